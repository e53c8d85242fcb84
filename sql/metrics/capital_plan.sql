-- metrics.capital_plan: for each report month, the configured candidate uses of cash ranked by
-- payback (cost / monthly return), funded in that order while the cash beyond the reserve
-- (metrics.cash_reserve) lasts; a candidate that does not fit waits, and so do the ones after it.
-- owner: cfo
with ranked as (
    select
        reserve.month,
        reserve.deployable_cash,
        candidates.name as candidate,
        candidates.entity_id,
        candidates.cost,
        candidates.monthly_return,
        round(candidates.cost / candidates.monthly_return, 1) as payback_months,
        row_number() over (
            partition by reserve.month
            order by candidates.cost / candidates.monthly_return, candidates.cost, candidates.name
        ) as payback_rank
    from metrics.cash_reserve as reserve
    cross join config.capital_candidates as candidates
),

cumulative as (
    select
        *,
        sum(cost) over (partition by month order by payback_rank) as cumulative_cost
    from ranked
)

select
    month,
    payback_rank,
    candidate,
    entity_id,
    cost,
    monthly_return,
    payback_months,
    cumulative_cost,
    -- costs are positive, so the running total only grows: the first misfit stops the list
    case when cumulative_cost <= deployable_cash then 'fund' else 'wait' end as decision
from cumulative
order by month, payback_rank
