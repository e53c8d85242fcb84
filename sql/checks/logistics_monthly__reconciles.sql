-- A month's trip figures are the sums of its trips, and its overhead plus the trip cost lines
-- paid in it is the P&L's cost of goods sold and operating expenses: each row here is a month
-- that does not add up.
with trips as (
    select
        entity_id,
        month,
        count(*) as trips,
        sum(trip_revenue) as trip_revenue,
        sum(trip_cost) as trip_cost,
        sum(trip_margin) as trip_margin
    from metrics.logistics_trips
    group by entity_id, month
),

lines as (
    select
        entity_id,
        month,
        sum(line_cost) as line_cost
    from metrics.logistics_trip_costs
    group by entity_id, month
)

select
    monthly.entity_id,
    monthly.month,
    monthly.trips,
    monthly.trip_revenue,
    monthly.trip_cost,
    monthly.overhead,
    pnl.cogs + pnl.opex as pnl_costs
from metrics.logistics_monthly as monthly
inner join metrics.monthly_pnl as pnl using (entity_id, month)
left join trips using (entity_id, month)
left join lines using (entity_id, month)
where monthly.trips <> coalesce(trips.trips, 0)
    or monthly.trip_revenue <> coalesce(trips.trip_revenue, 0)
    or monthly.trip_cost <> coalesce(trips.trip_cost, 0)
    or monthly.trip_margin <> coalesce(trips.trip_margin, 0)
    or monthly.overhead + coalesce(lines.line_cost, 0) <> pnl.cogs + pnl.opex
order by monthly.entity_id, monthly.month
