-- A chart-of-accounts finding is open at most once per month: each row here repeats.
select
    month,
    finding_id,
    count(*) as row_count
from metrics.chart_findings
group by month, finding_id
having count(*) > 1
order by month, finding_id
