-- How many stack components of the report month ($month) are SaaS run by their vendor (left out
-- of the dev-cycle table: the vendor builds, ships and watches them).
select count(*) as vendor_run_components
from metrics.stack_health
where month = $month
    and vendor_run
