-- metrics.logistics_trips has one row per trip: each row here is a trip listed twice.
select
    entity_id,
    trip_id,
    count(*) as row_count
from metrics.logistics_trips
group by entity_id, trip_id
having count(*) > 1
order by entity_id, trip_id
