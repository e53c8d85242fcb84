-- metrics.milestone_status has one row per milestone and month: any milestone id listed here
-- repeats in a month (a milestone configured twice for the same entity and title shows up here).
select
    month,
    milestone_id,
    count(*) as row_count
from metrics.milestone_status
group by month, milestone_id
having count(*) > 1
order by month, milestone_id
