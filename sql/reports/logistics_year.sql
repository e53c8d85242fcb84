-- One logistics entity's trips of the last 12 months up to the report month ($entity_id,
-- $month) added up, with the per-trip and per-mile figures of the year (miles known only, as in
-- metrics.logistics_monthly): the total row of the monthly table.
with trips as (
    select *
    from metrics.logistics_trips
    where entity_id = $entity_id
        and month > $month - interval 12 month
        and month <= $month
),

totals as (
    select
        count(*) as trips,
        coalesce(sum(nautical_miles), 0) as nautical_miles,
        coalesce(sum(trip_revenue), 0) as trip_revenue,
        coalesce(sum(fuel_cost), 0) as fuel_cost,
        coalesce(sum(crew_cost), 0) as crew_cost,
        coalesce(sum(other_trip_cost), 0) as other_trip_cost,
        coalesce(sum(trip_cost), 0) as trip_cost,
        coalesce(sum(trip_margin), 0) as trip_margin,
        count(*) filter (where trip_margin < 0) as losing_trips,
        sum(trip_revenue) filter (where nautical_miles > 0) as revenue_with_miles,
        sum(trip_cost) filter (where nautical_miles > 0) as cost_with_miles,
        sum(nautical_miles) filter (where nautical_miles > 0) as known_miles
    from trips
),

overhead as (
    select coalesce(sum(overhead), 0) as overhead
    from metrics.logistics_monthly
    where entity_id = $entity_id
        and month > $month - interval 12 month
        and month <= $month
)

select
    totals.* exclude (revenue_with_miles, cost_with_miles, known_miles),
    case
        when totals.trip_revenue <> 0 then (totals.trip_margin / totals.trip_revenue)::double
    end as trip_margin_pct,
    case
        when totals.trips > 0 then round(totals.trip_margin / totals.trips, 2)::decimal(18, 2)
    end as margin_per_trip,
    case
        when totals.known_miles > 0
            then round(totals.revenue_with_miles / totals.known_miles, 2)::decimal(18, 2)
    end as revenue_per_nm,
    case
        when totals.known_miles > 0
            then round(totals.cost_with_miles / totals.known_miles, 2)::decimal(18, 2)
    end as cost_per_nm,
    case
        when totals.known_miles > 0
            then round(
                (totals.revenue_with_miles - totals.cost_with_miles) / totals.known_miles, 2
            )::decimal(18, 2)
    end as margin_per_nm,
    overhead.overhead,
    (totals.trip_margin - overhead.overhead)::decimal(18, 2) as result_after_overhead
from totals
cross join overhead
