-- metrics.budget_variance: each budget line against its actual, per entity and month of the
-- entity's series that has a budget: the month's variance, the year to date and the same month
-- last year.
-- owner: cfo
-- grain: entity_id, month, line_kind, budget_line
--
-- Variance is actual minus budget, in the line's own sign (revenue and costs both positive), so
-- whether it is good depends on the line: `better` says which way (higher for revenue and
-- profit, lower for costs) and `favorable` judges it. Year to date adds up the months of the
-- year so far that have a budget for the line, actual and budget over the same months, so the
-- two can be compared (`ytd_months` says how many). Actuals are on the basis
-- metrics.budget_actuals counts them (`basis`).
with lines as (
    select
        budget.entity_id,
        budget.month,
        budget.line_kind,
        budget.budget_line,
        -- a metric's name as the profit and loss says it; an account's name in the chart
        case budget.budget_line
            when 'revenue' then 'Revenue'
            when 'cogs' then 'Cost of goods sold'
            when 'gross_profit' then 'Gross profit'
            when 'opex' then 'Operating expenses'
            when 'operating_income' then 'Operating income'
        end as metric_name,
        coalesce(if(budget.line_kind = 'metric', metric_name, chart.name), budget.budget_line) as line_name,
        case
            when budget.line_kind = 'metric' and budget.budget_line in ('cogs', 'opex') then 'lower'
            when budget.line_kind = 'account' and chart.type in ('cogs', 'expense') then 'lower'
            else 'higher'
        end as better,
        budget.budget_source,
        budget.spread,
        actuals.basis,
        actuals.month_actual,
        budget.budget,
        last_year.month_actual as last_year_actual
    from metrics.budget_months as budget
    -- only the months of the entity's series have an actual to compare
    inner join metrics.budget_actuals as actuals using (entity_id, line_kind, budget_line, month)
    left join raw.chart_of_accounts as chart
        on budget.line_kind = 'account' and chart.code = budget.budget_line
    left join metrics.budget_actuals as last_year
        on last_year.entity_id = budget.entity_id
        and last_year.line_kind = budget.line_kind
        and last_year.budget_line = budget.budget_line
        and last_year.month = (budget.month - interval 12 month)::date
),

to_date as (
    select
        *,
        sum(month_actual) over year_to_date as ytd_actual,
        sum(budget) over year_to_date as ytd_budget,
        count(*) over year_to_date as ytd_months
    from lines
    window year_to_date as (
        partition by entity_id, line_kind, budget_line, year(month) order by month
        rows between unbounded preceding and current row
    )
)

select
    -- the line
    entity_id,
    month,
    line_kind,
    budget_line,
    line_name,
    better,
    budget_source,
    spread,
    basis,
    -- the month
    month_actual,
    budget,
    (month_actual - budget)::decimal(18, 2) as variance,
    -- a share of a zero budget means nothing
    case when budget <> 0 then ((month_actual - budget) / abs(budget))::double end as variance_pct,
    case better when 'higher' then month_actual >= budget else month_actual <= budget end as favorable,
    -- the year to date, over the budgeted months
    ytd_months::integer as ytd_months,
    ytd_actual::decimal(18, 2) as ytd_actual,
    ytd_budget::decimal(18, 2) as ytd_budget,
    (ytd_actual - ytd_budget)::decimal(18, 2) as ytd_variance,
    case when ytd_budget <> 0 then ((ytd_actual - ytd_budget) / abs(ytd_budget))::double end
        as ytd_variance_pct,
    -- the same month last year (NULL before the entity's series)
    last_year_actual,
    (month_actual - last_year_actual)::decimal(18, 2) as change_on_last_year
from to_date
order by entity_id, month, line_kind, budget_line
