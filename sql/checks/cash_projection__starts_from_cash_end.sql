-- The projection's first month starts from the report month's cash at month end (metrics.burn),
-- and every later month from the one before it.
with path as (
    select
        *,
        lag(projected_cash) over (
            partition by entity_id, month, scenario order by months_ahead
        ) as previous_cash
    from metrics.cash_projection
)

select
    path.entity_id,
    path.month,
    path.scenario,
    path.months_ahead,
    path.projected_cash - path.net_cash_flow as cash_start,
    coalesce(path.previous_cash, burn.cash_end) as expected_start
from path
left join metrics.burn as burn using (entity_id, month)
where path.projected_cash - path.net_cash_flow
    is distinct from coalesce(path.previous_cash, burn.cash_end)
