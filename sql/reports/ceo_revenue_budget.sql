-- The portfolio's revenue budget for one report month ($month): the revenue budget lines of
-- budget.csv (metrics.budget_variance) added up, given only when every entity with revenue in
-- the month has one. A sum over some entities under the headline of all would be another figure
-- (the rule decision 38 applies to targets); an entity without revenue adds nothing to the
-- headline's revenue, so it needs no budget for the sum to be the whole portfolio's.
with revenue as (
    select
        entity_id,
        revenue
    from metrics.pnl_on_basis
    where month = $month
),

budgets as (
    select
        entity_id,
        budget
    from metrics.budget_variance
    where month = $month and line_kind = 'metric' and budget_line = 'revenue'
),

counted as (
    select
        count(budgets.entity_id) as entities_budgeted,
        count(*) filter (where revenue.revenue <> 0 and budgets.entity_id is null)
            as entities_without_budget,
        sum(budgets.budget) as budget
    from revenue
    left join budgets using (entity_id)
)

select
    entities_budgeted,
    entities_without_budget,
    case
        when entities_budgeted > 0 and entities_without_budget = 0 then budget
    end::decimal(18, 2) as revenue_budget
from counted
