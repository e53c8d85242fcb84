-- metrics.logistics_monthly: each logistics entity's month: its trips added up (miles, revenue,
-- fuel, crew and other trip costs, margin, per trip and per nautical mile) and the overhead no
-- trip carries.
-- owner: ceo
-- grain: entity_id, month
-- series: logistics
with trip_totals as (
    select
        entity_id,
        month,
        count(*) as trips,
        sum(nautical_miles) as nautical_miles,
        sum(trip_revenue) as trip_revenue,
        sum(fuel_cost) as fuel_cost,
        sum(crew_cost) as crew_cost,
        sum(other_trip_cost) as other_trip_cost,
        sum(trip_cost) as trip_cost,
        sum(trip_margin) as trip_margin,
        -- the per-mile figures count only trips whose miles are known
        sum(trip_revenue) filter (where nautical_miles > 0) as revenue_with_miles,
        sum(trip_cost) filter (where nautical_miles > 0) as cost_with_miles,
        sum(nautical_miles) filter (where nautical_miles > 0) as known_miles
    from metrics.logistics_trips
    group by entity_id, month
),

-- The month's cost lines that a trip carries, by the date they were paid: the rest of the
-- month's costs (insurance, ads, software, bookkeeping) is overhead.
allocated_by_month as (
    select
        entity_id,
        month,
        sum(line_cost) as allocated_cost
    from metrics.logistics_trip_costs
    group by entity_id, month
),

monthly as (
    select
        months.entity_id,
        months.month,
        coalesce(trip_totals.trips, 0) as trips,
        coalesce(trip_totals.nautical_miles, 0)::decimal(18, 2) as nautical_miles,
        coalesce(trip_totals.trip_revenue, 0)::decimal(18, 2) as trip_revenue,
        coalesce(trip_totals.fuel_cost, 0)::decimal(18, 2) as fuel_cost,
        coalesce(trip_totals.crew_cost, 0)::decimal(18, 2) as crew_cost,
        coalesce(trip_totals.other_trip_cost, 0)::decimal(18, 2) as other_trip_cost,
        coalesce(trip_totals.trip_cost, 0)::decimal(18, 2) as trip_cost,
        coalesce(trip_totals.trip_margin, 0)::decimal(18, 2) as trip_margin,
        trip_totals.revenue_with_miles,
        trip_totals.cost_with_miles,
        trip_totals.known_miles,
        (pnl.cogs + pnl.opex - coalesce(allocated_by_month.allocated_cost, 0))::decimal(18, 2)
            as overhead
    from metrics.entity_months as months
    inner join config.entities as entities using (entity_id)
    inner join metrics.monthly_pnl as pnl using (entity_id, month)
    left join trip_totals using (entity_id, month)
    left join allocated_by_month using (entity_id, month)
    where entities.kind = 'logistics'
)

select
    entity_id,
    month,
    trips,
    nautical_miles,
    trip_revenue,
    fuel_cost,
    crew_cost,
    other_trip_cost,
    trip_cost,
    trip_margin,
    case when trip_revenue <> 0 then (trip_margin / trip_revenue)::double end as trip_margin_pct,
    case when trips > 0 then round(trip_margin / trips, 2)::decimal(18, 2) end as margin_per_trip,
    case
        when known_miles > 0 then round(revenue_with_miles / known_miles, 2)::decimal(18, 2)
    end as revenue_per_nm,
    case
        when known_miles > 0 then round(cost_with_miles / known_miles, 2)::decimal(18, 2)
    end as cost_per_nm,
    case
        when known_miles > 0
            then round((revenue_with_miles - cost_with_miles) / known_miles, 2)::decimal(18, 2)
    end as margin_per_nm,
    overhead,
    (trip_margin - overhead)::decimal(18, 2) as result_after_overhead
from monthly
order by entity_id, month
