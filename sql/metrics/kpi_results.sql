-- metrics.kpi_results: each configured KPI against its target, one row per KPI, month of the
-- entity's series and basis its figure is measured on: the bank's (cash) for every KPI, and for a
-- KPI made of revenue of an entity on another basis, that basis too. metrics.kpi_gaps (cash basis
-- for every entity) and metrics.kpi_status (each entity's basis) are its rows: the figures, the
-- gap and whether the target was met are worked out here, once.
-- owner: ceo
--
-- No grain check of its own: a KPI configured twice repeats its rows here, and metrics.kpi_gaps'
-- check (one_row_per_kpi_month) and metrics.kpi_status' grain report it, as they did before this
-- relation was theirs.
with cash_figures as (
    -- revenue is in all three relations with the same value: it is taken once, from the P&L
    select
        pnl.*,
        burn.* exclude (entity_id, month, revenue),
        break_even.* exclude (entity_id, month, revenue),
        cash_burn.cash_runway_months
    from metrics.monthly_pnl as pnl
    inner join metrics.burn as burn using (entity_id, month)
    inner join metrics.break_even as break_even using (entity_id, month)
    inner join metrics.cash_burn as cash_burn using (entity_id, month)
),

-- Only revenue, and what is computed from it, changes with the basis (metrics.pnl_on_basis): on
-- the cash basis these are the cash figures above.
basis_figures as (
    select entity_id, month, basis, revenue, gross_profit, gross_margin_pct, operating_income
    from metrics.pnl_on_basis
    where basis <> 'cash'
),

-- One row per figure and month: a KPI may name any of these columns, and new columns of the
-- relations become KPIs without touching this file. Empty figures are kept.
actuals as (
    select *, 'cash' as basis
    from (
        select entity_id, month, columns(* exclude (entity_id, month))::decimal(38, 4)
        from cash_figures
    )
    unpivot include nulls (actual for kpi in (columns(* exclude (entity_id, month))))
    union all by name
    select *
    from (
        select entity_id, month, basis, columns(* exclude (entity_id, month, basis))::decimal(38, 4)
        from basis_figures
    )
    unpivot include nulls (actual for kpi in (columns(* exclude (entity_id, month, basis))))
),

compared as (
    select
        actuals.entity_id,
        actuals.month,
        actuals.kpi,
        actuals.basis,
        -- the figure a report shows: on the entity's basis where the KPI has a figure on it,
        -- the bank's otherwise (burn, cash, runway and break-even: cash moves when it moves)
        actuals.basis <> 'cash'
            or not bool_or(actuals.basis <> 'cash') over (
                partition by actuals.entity_id, actuals.kpi, actuals.month
            ) as on_entity_basis,
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
)

select
    entity_id,
    month,
    kpi,
    basis,
    on_entity_basis,
    actual,
    target,
    better,
    gap,
    -- An empty runway means the entity is not burning cash, which meets any runway target;
    -- any other empty figure (such as a margin on no revenue) cannot be judged.
    case
        when kpi in ('runway_months', 'cash_runway_months') and actual is null then true
        else gap >= 0
    end as met
from compared
order by entity_id, kpi, month, basis
