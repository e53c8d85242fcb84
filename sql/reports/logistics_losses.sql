-- The trips of one logistics entity ($entity_id) that cost more than they earned in the last 12
-- months up to the report month ($month), largest loss first.
select *
from metrics.logistics_trips
where entity_id = $entity_id
    and month > $month - interval 12 month
    and month <= $month
    and trip_margin < 0
order by trip_margin, departs_on
