-- One logistics entity's trips of the last 12 months up to the report month ($entity_id,
-- $month) by distance: coastal hops (under 100 nm), coastal runs (100 to 299 nm), long coastal
-- passages (300 to 599 nm) and offshore passages (600 nm and more), shortest first. Which kind of
-- trip earns most per trip and per mile is what decides which trips to take.
with trips as (
    select
        *,
        case
            when nautical_miles < 100 then 1
            when nautical_miles < 300 then 2
            when nautical_miles < 600 then 3
            else 4
        end as band
    from metrics.logistics_trips
    where entity_id = $entity_id
        and month > $month - interval 12 month
        and month <= $month
        and nautical_miles > 0
)

select
    band,
    case band
        when 1 then 'Under 100 nm'
        when 2 then '100-299 nm'
        when 3 then '300-599 nm'
        else '600 nm and more'
    end as distance,
    count(*) as trips,
    sum(nautical_miles) as nautical_miles,
    sum(trip_revenue) as trip_revenue,
    sum(trip_cost) as trip_cost,
    sum(trip_margin) as trip_margin,
    (sum(trip_margin) / nullif(sum(trip_revenue), 0))::double as trip_margin_pct,
    round(sum(trip_margin) / count(*), 2)::decimal(18, 2) as margin_per_trip,
    round(sum(trip_margin) / sum(nautical_miles), 2)::decimal(18, 2) as margin_per_nm,
    count(*) filter (where trip_margin < 0) as losing_trips
from trips
group by band
order by band
