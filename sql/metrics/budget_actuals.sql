-- metrics.budget_actuals: the actual of every line an entity's budget names (a profit-and-loss
-- figure or an account), in each month of the entity's series, on the basis it is counted on.
-- owner: cfo
-- grain: entity_id, line_kind, budget_line, month
--
-- The one place that says how a budget line's actual is counted. A profit-and-loss figure is on
-- the entity's basis (metrics.pnl_on_basis, the figures every report shows: revenue and what is
-- computed from it as metrics.revenue counts it, costs as the bank ledger does); an account's
-- lines are the bank ledger's (metrics.account_months), so on the cash basis. `basis` says which
-- on every row. Costs are positive, as in the budget and in metrics.monthly_pnl.
with budget_lines as (
    select distinct
        entity_id,
        case when metric is not null then 'metric' else 'account' end as line_kind,
        coalesce(metric, account_code) as budget_line
    from raw.budget
),

-- the figures a metric line may name (exec_reporting.contract.BUDGET_METRICS)
pnl_figures as (
    select entity_id, month, basis, budget_line, month_actual
    from (
        select entity_id, month, basis, revenue, cogs, gross_profit, opex, operating_income
        from metrics.pnl_on_basis
    )
    unpivot (month_actual for budget_line in (revenue, cogs, gross_profit, opex, operating_income))
),

-- a revenue account's lines are money in; a cost account's money out, made positive
account_figures as (
    select
        account_months.entity_id,
        account_months.month,
        'cash' as basis,
        account_months.account_code as budget_line,
        case chart.type
            when 'revenue' then account_months.month_net
            else -account_months.month_net
        end as month_actual
    from metrics.account_months as account_months
    inner join raw.chart_of_accounts as chart on chart.code = account_months.account_code
    where chart.type in ('revenue', 'cogs', 'expense')
),

figures as (
    select entity_id, month, 'metric' as line_kind, basis, budget_line, month_actual
    from pnl_figures
    union all
    select entity_id, month, 'account', basis, budget_line, month_actual from account_figures
)

-- every month of the series, a quiet one as zero
select
    lines.entity_id,
    lines.line_kind,
    lines.budget_line,
    months.month,
    -- a quiet month's line is on the basis its figures are counted on elsewhere
    case
        when lines.line_kind = 'account' then 'cash'
        else coalesce(figures.basis, entities.basis)
    end as basis,
    coalesce(figures.month_actual, 0)::decimal(18, 2) as month_actual
from budget_lines as lines
inner join metrics.entity_months as months using (entity_id)
inner join config.entities as entities using (entity_id)
left join figures
    on figures.entity_id = lines.entity_id
    and figures.line_kind = lines.line_kind
    and figures.budget_line = lines.budget_line
    and figures.month = months.month
order by lines.entity_id, lines.line_kind, lines.budget_line, months.month
