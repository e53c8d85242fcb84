-- A finding has one status per month.
select month, finding_id, count(*) as statuses
from metrics.finding_status
group by month, finding_id
having count(*) > 1
