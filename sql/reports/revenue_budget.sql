-- One entity's revenue budget for the report month ($entity_id, $month), as
-- metrics.budget_variance compares it: the month's budget line of budget.csv on revenue (a line of
-- its own or its share of an annual target), the revenue it is held against (on the entity's
-- basis, the figure every report shows), the year to date and the same month last year. No row
-- when budget.csv has no revenue line for the entity and month.
select
    entity_id,
    month,
    basis,
    month_actual,
    budget,
    variance,
    favorable,
    ytd_months,
    ytd_actual,
    ytd_budget,
    ytd_variance,
    last_year_actual
from metrics.budget_variance
where entity_id = $entity_id
    and month = $month
    and line_kind = 'metric'
    and budget_line = 'revenue'
