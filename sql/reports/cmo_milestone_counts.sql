-- How many marketing milestones are done, overdue and open in the report month ($month).
select
    count(*) as milestones,
    count(*) filter (where milestone_done) as done,
    count(*) filter (where milestone_status = 'overdue') as overdue,
    count(*) filter (where milestone_status = 'due in 30 days') as due_30
from metrics.milestone_status
where month = $month
