-- One invoicing entity's receivables at the end of the report month ($entity_id, $month), from
-- metrics.receivables_monthly.
select *
from metrics.receivables_monthly
where entity_id = $entity_id and month = $month
