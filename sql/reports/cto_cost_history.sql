-- The portfolio's software cost (every entity with a stack) over the twelve months up to the
-- report month ($month).
select
    month,
    sum(software_cost) as software_cost
from metrics.stack_summary
where components > 0
    and month > $month - interval 12 month
    and month <= $month
group by month
order by month
