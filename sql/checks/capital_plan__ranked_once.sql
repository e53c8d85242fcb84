-- Each candidate is ranked once per month, and ranks run from 1 without a gap.
select month, payback_rank, count(*) as rows
from metrics.capital_plan
group by all
having count(*) > 1
union all
select month, max(payback_rank), count(*)
from metrics.capital_plan
group by month
having max(payback_rank) <> count(*)
