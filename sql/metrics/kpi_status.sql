-- metrics.kpi_status: each configured KPI against its actual value on the entity's basis, one row
-- per KPI and month of the entity's series, with the signed gap (positive is good) and whether
-- the target was met. What every report shows of a KPI.
-- owner: ceo
-- grain: entity_id, kpi, month
--
-- metrics.kpi_gaps stays as it is (cash basis for every entity: other tools read it). Here the
-- figures that are made of revenue (revenue, gross_profit, gross_margin_pct, operating_income)
-- are those of metrics.pnl_on_basis, so an accrual entity's revenue KPI is the revenue it earned,
-- the same figure as every report's revenue. Burn, cash, runway and break-even stay the bank's
-- (metrics.burn, metrics.break_even: cash moves when it moves), and `basis` says which is which.
-- A KPI may also name `cash_runway_months`, metrics.cash_burn's runway on cash burn (the runway
-- every report shows); metrics.kpi_gaps has no such figure, so it has no row for that KPI.
with monthly_figures as (
    select
        pnl.* exclude (basis),
        burn.* exclude (entity_id, month, revenue),
        break_even.* exclude (entity_id, month, revenue),
        cash_burn.cash_runway_months
    from metrics.pnl_on_basis as pnl
    inner join metrics.burn as burn using (entity_id, month)
    inner join metrics.break_even as break_even using (entity_id, month)
    inner join metrics.cash_burn as cash_burn using (entity_id, month)
),

-- One row per figure and month, as in metrics.kpi_gaps: a KPI may name any of these columns.
actuals as (
    select *
    from (
        select entity_id, month, columns(* exclude (entity_id, month))::decimal(38, 4)
        from monthly_figures
    )
    unpivot include nulls (actual for kpi in (columns(* exclude (entity_id, month))))
),

compared as (
    select
        actuals.entity_id,
        actuals.month,
        actuals.kpi,
        case
            when actuals.kpi in ('revenue', 'gross_profit', 'gross_margin_pct', 'operating_income')
                then entities.basis
            else 'cash'
        end as basis,
        actuals.actual,
        kpis.target,
        kpis.better,
        case kpis.better
            when 'higher' then actuals.actual - kpis.target
            when 'lower' then kpis.target - actuals.actual
        end::decimal(38, 4) as gap
    from actuals
    inner join config.kpis as kpis
        on actuals.entity_id = kpis.entity_id
        and actuals.kpi = kpis.metric
    inner join config.entities as entities
        on actuals.entity_id = entities.entity_id
)

select
    entity_id,
    month,
    kpi,
    basis,
    actual,
    target,
    better,
    gap,
    -- as in metrics.kpi_gaps: an empty runway (not burning; cash not falling) meets any runway
    -- target; any other empty figure (a margin on no revenue) cannot be judged
    case
        when kpi in ('runway_months', 'cash_runway_months') and actual is null then true
        else gap >= 0
    end as met
from compared
order by entity_id, kpi, month
