-- A trip's cost is its fuel, crew and other costs, which are its ledger lines, and its margin
-- is revenue minus that cost: each row here is a trip whose figures do not add up.
with lines as (
    select
        entity_id,
        trip_id,
        sum(line_cost) as line_cost
    from metrics.logistics_trip_costs
    group by entity_id, trip_id
)

select
    trips.entity_id,
    trips.trip_id,
    trips.fuel_cost,
    trips.crew_cost,
    trips.other_trip_cost,
    trips.trip_cost,
    lines.line_cost,
    trips.trip_margin
from metrics.logistics_trips as trips
left join lines using (entity_id, trip_id)
where trips.trip_cost <> trips.fuel_cost + trips.crew_cost + trips.other_trip_cost
    or trips.trip_cost <> coalesce(lines.line_cost, 0)
    or trips.trip_margin <> trips.trip_revenue - trips.trip_cost
order by trips.entity_id, trips.trip_id
