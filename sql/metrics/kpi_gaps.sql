-- metrics.kpi_gaps: each configured KPI against its actual value, one row per KPI and month of
-- the entity's series, with the signed gap (positive is good) and whether the target was met.
-- owner: ceo
with monthly_figures as (
    -- revenue is in all three relations with the same value: it is taken once, from the P&L
    select
        pnl.*,
        burn.* exclude (entity_id, month, revenue),
        break_even.* exclude (entity_id, month, revenue)
    from metrics.monthly_pnl as pnl
    inner join metrics.burn as burn using (entity_id, month)
    inner join metrics.break_even as break_even using (entity_id, month)
),

-- One row per figure and month: a KPI may name any of these columns, and new columns of the
-- three relations become KPIs without touching this file. Empty figures are kept.
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
    actual,
    target,
    better,
    gap,
    -- An empty runway means the entity is not burning cash, which meets any runway target;
    -- any other empty figure (such as a margin on no revenue) cannot be judged.
    case
        when kpi = 'runway_months' and actual is null then true
        else gap >= 0
    end as met
from compared
order by entity_id, kpi, month
