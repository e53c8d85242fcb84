-- Every budgeted month of an entity's series is compared once, with its budget as
-- metrics.budget_months has it, and its actual as metrics.budget_actuals has it: each row here
-- is a line and month lost, doubled or changed on the way (a wrong figure in the report).
with expected as (
    select
        budget.entity_id,
        budget.month,
        budget.line_kind,
        budget.budget_line,
        budget.budget,
        actuals.month_actual
    from metrics.budget_months as budget
    inner join metrics.budget_actuals as actuals using (entity_id, line_kind, budget_line, month)
),

shown as (
    select
        entity_id,
        month,
        line_kind,
        budget_line,
        sum(budget) as budget,
        sum(month_actual) as month_actual,
        count(*) as row_count
    from metrics.budget_variance
    group by all
)

select
    coalesce(expected.entity_id, shown.entity_id) as entity_id,
    coalesce(expected.month, shown.month) as month,
    coalesce(expected.line_kind, shown.line_kind) as line_kind,
    coalesce(expected.budget_line, shown.budget_line) as budget_line,
    expected.budget as expected_budget,
    shown.budget as shown_budget,
    expected.month_actual as expected_actual,
    shown.month_actual as shown_actual,
    shown.row_count
from expected
full join shown using (entity_id, month, line_kind, budget_line)
where expected.budget is distinct from shown.budget
    or expected.month_actual is distinct from shown.month_actual
    or shown.row_count is distinct from 1
order by all
