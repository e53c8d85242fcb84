-- The three largest known flows (by size, in or out) of each entity's 13-week forecast after the
-- report month ($month).
select
    entity_id,
    flow_date,
    flow_kind,
    description,
    amount
from metrics.cash_forecast_flows
where month = $month
qualify row_number() over (
    partition by entity_id order by abs(amount) desc, flow_date, source_id
) <= 3
order by entity_id, abs(amount) desc, flow_date
