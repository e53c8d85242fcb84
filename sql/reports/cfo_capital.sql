-- The capital deployment of the report month ($month): the candidate uses of cash in payback
-- order with the decision for each, who pays, and the transfer it needs.
select
    plan.payback_rank,
    plan.candidate,
    plan.entity_id,
    entities.name as entity,
    plan.cost,
    plan.monthly_return,
    plan.payback_months,
    plan.cumulative_cost,
    plan.planned_month,
    plan.decision,
    plan.room_before,
    plan.transfer_from,
    givers.name as transfer_from_name,
    payers.name as paid_by_name,
    plan.transfer_amount,
    plan.donor_room_after
from metrics.capital_plan as plan
left join config.entities as entities using (entity_id)
left join config.entities as givers on givers.entity_id = plan.transfer_from
left join config.entities as payers on payers.entity_id = plan.paid_by
where plan.month = $month
order by plan.payback_rank
