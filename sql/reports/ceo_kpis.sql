-- Every KPI of one report month ($month) with its actual, target and gap (metrics.kpi_status), the
-- gap as a share of the target (for the chart; empty for a zero target), how many months in a
-- row it has been missed and last month's actual. Missed KPIs first, then by entity and KPI.
-- A KPI that a budget metric line of the entity covers for the month (budget.csv) carries the
-- month's budget and variance, the year to date and the same month last year, as
-- metrics.budget_variance has them (never counted again here); the others carry none.
with this_month as (
    select *
    from metrics.kpi_status
    where month = $month
),

-- the last month up to $month in which each KPI was not missed, and where its series starts
history as (
    select
        entity_id,
        kpi,
        max(month) filter (where met is distinct from false) as last_not_missed,
        min(month) as first_month
    from metrics.kpi_status
    where month <= $month
    group by entity_id, kpi
),

-- The KPIs a budget line can cover: the additive profit-and-loss figures budget.csv names
-- (decision 35). A ratio, a balance or a burn has no budget; it keeps its target only.
kpi_budget_lines as (
    select *
    from (
        values
            ('revenue', 'revenue'),
            ('cogs', 'cogs'),
            ('gross_profit', 'gross_profit'),
            ('opex', 'opex'),
            ('operating_income', 'operating_income')
    ) as lines (kpi, budget_line)
),

budgets as (
    select
        variance.entity_id,
        lines.kpi,
        variance.budget,
        variance.variance as budget_variance,
        variance.favorable as budget_favorable,
        variance.ytd_months,
        variance.ytd_actual,
        variance.ytd_budget,
        variance.ytd_variance,
        variance.last_year_actual
    from metrics.budget_variance as variance
    inner join kpi_budget_lines as lines using (budget_line)
    where variance.line_kind = 'metric' and variance.month = $month
),

previous as (
    select
        entity_id,
        kpi,
        actual as previous_actual
    from metrics.kpi_status
    where month = $month - interval 1 month
)

select
    this_month.entity_id,
    entities.name,
    this_month.kpi,
    this_month.basis,
    this_month.actual,
    this_month.target,
    this_month.better,
    this_month.gap,
    this_month.met,
    case
        when this_month.target <> 0 then this_month.gap / abs(this_month.target)
    end::double as gap_share,
    -- missed since the month after the last month it was not missed (or since the series began)
    case
        when not this_month.met then date_diff(
            'month',
            coalesce(history.last_not_missed, (history.first_month - interval 1 month)::date),
            this_month.month
        )
    end as months_missed,
    previous.previous_actual,
    -- the month's budget, when the entity's budget covers the KPI
    budgets.budget,
    budgets.budget_variance,
    budgets.budget_favorable,
    budgets.ytd_months,
    budgets.ytd_actual,
    budgets.ytd_budget,
    budgets.ytd_variance,
    budgets.last_year_actual
from this_month
inner join config.entities as entities using (entity_id)
left join history using (entity_id, kpi)
left join previous using (entity_id, kpi)
left join budgets using (entity_id, kpi)
order by
    case when not this_month.met then 0 when this_month.met is null then 1 else 2 end,
    entities.name,
    this_month.kpi
