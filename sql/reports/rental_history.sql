-- One rental entity's months ($entity_id) over the $months months up to the report month
-- ($month), newest first.
select *
from metrics.rental_monthly
where entity_id = $entity_id
    and month > $month - to_months($months)
    and month <= $month
order by month desc
