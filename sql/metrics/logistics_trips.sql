-- metrics.logistics_trips: each trip of a logistics entity (a confirmed booking), in the month it
-- departs: nautical miles, revenue, the costs its ledger lines carry, margin and the figures per
-- nautical mile.
-- owner: ceo
-- grain: entity_id, trip_id
with trips as (
    -- the booking's amount is the trip's price (revenue when it is sold, whenever it is paid);
    -- its quantity is the trip's nautical miles
    select
        bookings.entity_id,
        date_trunc('month', bookings.service_date)::date as month,
        bookings.booking_id as trip_id,
        bookings.service_date as departs_on,
        bookings.quantity::decimal(18, 2) as nautical_miles,
        bookings.amount as trip_revenue
    from raw.bookings as bookings
    inner join config.entities as entities using (entity_id)
    where entities.kind = 'logistics'
        and bookings.status = 'confirmed'
),

-- A trip's costs are all its lines, whatever their date: crew paid after arrival in the next
-- month still belongs to the trip.
costs as (
    select
        entity_id,
        trip_id,
        sum(line_cost) filter (where cost_type = 'fuel') as fuel_cost,
        sum(line_cost) filter (where cost_type = 'crew') as crew_cost,
        sum(line_cost) filter (where cost_type = 'other') as other_trip_cost,
        sum(line_cost) as trip_cost,
        count(*) as cost_lines
    from metrics.logistics_trip_costs
    group by entity_id, trip_id
),

-- Only trips in a month of the entity's series: a trip booked for after the data ends has no
-- costs yet.
priced as (
    select
        trips.*,
        coalesce(costs.fuel_cost, 0)::decimal(18, 2) as fuel_cost,
        coalesce(costs.crew_cost, 0)::decimal(18, 2) as crew_cost,
        coalesce(costs.other_trip_cost, 0)::decimal(18, 2) as other_trip_cost,
        coalesce(costs.trip_cost, 0)::decimal(18, 2) as trip_cost,
        coalesce(costs.cost_lines, 0) as cost_lines
    from trips
    inner join metrics.entity_months as months using (entity_id, month)
    left join costs using (entity_id, trip_id)
)

select
    entity_id,
    month,
    trip_id,
    departs_on,
    nautical_miles,
    trip_revenue,
    fuel_cost,
    crew_cost,
    other_trip_cost,
    trip_cost,
    (trip_revenue - trip_cost)::decimal(18, 2) as trip_margin,
    -- a margin on a free trip means nothing
    case
        when trip_revenue <> 0 then ((trip_revenue - trip_cost) / trip_revenue)::double
    end as trip_margin_pct,
    -- per nautical mile: money, rounded to the cent; empty when the miles are unknown or zero
    case
        when nautical_miles > 0 then round(trip_revenue / nautical_miles, 2)::decimal(18, 2)
    end as revenue_per_nm,
    case
        when nautical_miles > 0 then round(trip_cost / nautical_miles, 2)::decimal(18, 2)
    end as cost_per_nm,
    case
        when nautical_miles > 0
            then round((trip_revenue - trip_cost) / nautical_miles, 2)::decimal(18, 2)
    end as margin_per_nm,
    cost_lines
from priced
order by entity_id, month, departs_on, trip_id
