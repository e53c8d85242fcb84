-- The capital deployment of the report month ($month): the reserve and the cash beyond it, and
-- the candidate uses of cash in payback order with the decision for each.
select
    plan.payback_rank,
    plan.candidate,
    plan.entity_id,
    entities.name as entity,
    plan.cost,
    plan.monthly_return,
    plan.payback_months,
    plan.cumulative_cost,
    plan.decision
from metrics.capital_plan as plan
left join config.entities as entities using (entity_id)
where plan.month = $month
order by plan.payback_rank
