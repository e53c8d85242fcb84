-- One invoicing entity's receivables ($entity_id) at the end of each of the $months months up to
-- the report month ($month), newest first.
select *
from metrics.receivables_monthly
where entity_id = $entity_id
    and month > $month - to_months($months)
    and month <= $month
order by month desc
