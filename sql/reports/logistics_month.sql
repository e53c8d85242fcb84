-- One logistics entity's month ($entity_id, $month) from metrics.logistics_monthly.
select *
from metrics.logistics_monthly
where entity_id = $entity_id and month = $month
