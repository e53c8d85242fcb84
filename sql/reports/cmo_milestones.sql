-- The marketing milestones in the report month ($month), most pressing first: overdue, then due
-- in 30, 60 and 90 days, later, and done last; within a status by due date.
select
    milestones.*,
    entities.name
from metrics.milestone_status as milestones
left join config.entities as entities using (entity_id)
where milestones.month = $month
order by
    case milestones.milestone_status
        when 'overdue' then 0
        when 'due in 30 days' then 1
        when 'due in 60 days' then 2
        when 'due in 90 days' then 3
        when 'later' then 4
        else 5
    end,
    milestones.milestone_due,
    entities.name,
    milestones.milestone
