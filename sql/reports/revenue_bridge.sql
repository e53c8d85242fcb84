-- One entity's revenue for the report month ($entity_id, $month) from metrics.revenue: the
-- figure of its basis and the bridge from cash received. The last row of every revenue bridge.
select *
from metrics.revenue
where entity_id = $entity_id and month = $month
