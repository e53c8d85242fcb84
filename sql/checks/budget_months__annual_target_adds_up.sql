-- The months of each annual target of budget.csv add up to it, to the cent: each row here is a
-- target whose year's budget differs. When the months' own lines already exceed the target, or
-- every month has a line of its own, the year is their sum: those rows are tolerated (a warning
-- that the budget contradicts itself), any other difference fails.
with targets as (
    select
        entity_id,
        case when metric is not null then 'metric' else 'account' end as line_kind,
        coalesce(metric, account_code) as budget_line,
        year,
        amount as annual_target
    from raw.budget
    where month is null
),

own_lines as (
    select
        entity_id,
        case when metric is not null then 'metric' else 'account' end as line_kind,
        coalesce(metric, account_code) as budget_line,
        year,
        sum(amount) as own_lines_total,
        count(*) as own_months
    from raw.budget
    where month is not null
    group by all
),

year_budget as (
    select
        entity_id,
        line_kind,
        budget_line,
        year(month) as year,
        sum(budget) as year_budget
    from metrics.budget_months
    group by all
),

compared as (
    select
        targets.*,
        coalesce(own_lines.own_lines_total, 0) as own_lines_total,
        coalesce(own_lines.own_months, 0) as own_months,
        year_budget.year_budget
    from targets
    left join own_lines using (entity_id, line_kind, budget_line, year)
    left join year_budget using (entity_id, line_kind, budget_line, year)
)

select
    *,
    year_budget is distinct from case
        when own_months = 12 or own_lines_total > annual_target then own_lines_total
        else annual_target
    end as fails
from compared
where year_budget is distinct from annual_target
order by entity_id, line_kind, budget_line, year
