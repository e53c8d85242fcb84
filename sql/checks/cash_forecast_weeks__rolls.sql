-- The 13-week forecast rolls: each week's cash at its end is its start plus money in less money
-- out, week 1 starts from the report month's cash at month end (metrics.burn) and every later
-- week from the end of the one before; its money in and out are its flows'
-- (metrics.cash_forecast_flows).
with path as (
    select
        *,
        lag(cash_end) over (partition by entity_id, month order by week) as previous_end
    from metrics.cash_forecast_weeks
),

flows as (
    select
        entity_id,
        month,
        week,
        sum(amount) as net_flow
    from metrics.cash_forecast_flows
    group by all
)

select
    path.entity_id,
    path.month,
    path.week,
    path.cash_start,
    path.inflows,
    path.outflows,
    path.cash_end
from path
left join metrics.burn as burn using (entity_id, month)
left join flows using (entity_id, month, week)
where path.cash_start + path.inflows - path.outflows <> path.cash_end
    or path.cash_start is distinct from coalesce(path.previous_end, burn.cash_end)
    or path.inflows - path.outflows <> coalesce(flows.net_flow, 0)
union all
-- every flow falls in one of the 13 weeks
select entity_id, month, week, null, null, null, null
from metrics.cash_forecast_flows
where week not between 1 and 13
