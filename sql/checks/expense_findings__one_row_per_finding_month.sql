-- An expense finding is open at most once per month: each row here repeats (two rules or two
-- outliers sharing an id would do that).
select
    month,
    finding_id,
    count(*) as row_count
from metrics.expense_findings
group by month, finding_id
having count(*) > 1
order by month, finding_id
