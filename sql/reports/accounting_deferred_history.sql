-- Deferred revenue at each month end over the twelve months up to the report month ($month), for
-- the entities that have a bookings.csv.
select
    entities.name,
    deferred.month,
    deferred.deferred_balance
from metrics.deferred_revenue as deferred
inner join config.entities as entities using (entity_id)
where deferred.month > $month - interval 12 month
    and deferred.month <= $month
    and deferred.entity_id in (
        select entity_id from ingest.file_loads where table_name = 'bookings'
    )
order by entities.name, deferred.month
