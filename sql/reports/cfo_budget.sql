-- Budget against actual for one report month ($month, a DATE on the 1st): one row per entity and
-- budget line, with the year to date and the same month last year; largest shortfall first
-- within each entity. `budgeted_lines` counts every line of budget.csv's months, so the report
-- can tell "no budget at all" (no section) from "no budget for this month".
with this_month as (
    select
        variance.*,
        entities.name
    from metrics.budget_variance as variance
    inner join config.entities as entities using (entity_id)
    where variance.month = $month
)

select
    budgeted.lines as budgeted_lines,
    this_month.*
from (select count(*) as lines from metrics.budget_months) as budgeted
left join this_month on true
order by
    this_month.name,
    -- a shortfall in the line's own direction first
    case this_month.better when 'higher' then this_month.variance else -this_month.variance end,
    this_month.budget_line
