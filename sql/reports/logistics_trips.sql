-- The trips of one logistics entity ($entity_id) departing in the report month ($month), the
-- ones that earned least first: a loss-making trip leads.
select *
from metrics.logistics_trips
where entity_id = $entity_id and month = $month
order by trip_margin, departs_on, trip_id
