-- Every milestone status is one of done, overdue, due in 30 / 60 / 90 days or later; done
-- exactly when the milestone is done, overdue only past its due date: each row here breaks that.
select
    month,
    entity_id,
    milestone,
    milestone_done,
    days_to_due,
    milestone_status
from metrics.milestone_status
where milestone_status is null
    or milestone_status not in (
        'done', 'overdue', 'due in 30 days', 'due in 60 days', 'due in 90 days', 'later'
    )
    or (milestone_status = 'done') is distinct from milestone_done
    or (milestone_status = 'overdue' and days_to_due >= 0)
order by month, entity_id, milestone
