-- The CEO's figures for one report month ($month, a DATE on the 1st), one row per configured
-- entity: revenue and gross margin on the entity's basis (metrics.pnl_on_basis), cash at month
-- end (metrics.burn), each against its target (metrics.kpi_status, rounded to the cent as a
-- shortfall is money), how many KPIs it met and missed, and its open critical findings. The
-- entities furthest short of their targets come first.
with targets as (
    select
        entity_id,
        kpi,
        round(target, 2)::decimal(18, 2) as target,
        better
    from metrics.kpi_status
    where month = $month
        and kpi in ('revenue', 'cash_end')
),

shortfall as (
    select
        pnl.entity_id,
        pnl.month,
        pnl.basis,
        pnl.revenue,
        pnl.gross_margin_pct,
        revenue_targets.target as revenue_target,
        -- how much is missing to reach the target, 0 when it is reached (as
        -- metrics.shortfall_by_entity, on the entity's basis)
        case revenue_targets.better
            when 'higher' then greatest(revenue_targets.target - pnl.revenue, 0)
            when 'lower' then greatest(pnl.revenue - revenue_targets.target, 0)
        end::decimal(18, 2) as revenue_shortfall,
        burn.cash_end,
        cash_targets.target as cash_target,
        case cash_targets.better
            when 'higher' then greatest(cash_targets.target - burn.cash_end, 0)
            when 'lower' then greatest(burn.cash_end - cash_targets.target, 0)
        end::decimal(18, 2) as cash_shortfall
    from metrics.pnl_on_basis as pnl
    inner join metrics.burn as burn using (entity_id, month)
    left join targets as revenue_targets
        on revenue_targets.entity_id = pnl.entity_id
        and revenue_targets.kpi = 'revenue'
    left join targets as cash_targets
        on cash_targets.entity_id = pnl.entity_id
        and cash_targets.kpi = 'cash_end'
    where pnl.month = $month
),

kpis as (
    select
        entity_id,
        count(*) filter (where met) as kpis_met,
        count(*) filter (where not met) as kpis_missed,
        -- a KPI whose figure is empty this month (a margin without revenue) cannot be judged
        count(*) filter (where met is null) as kpis_unjudged
    from metrics.kpi_status
    where month = $month
    group by entity_id
),

configured as (
    select
        entity_id,
        count(*) as kpis_configured
    from config.kpis
    group by entity_id
),

critical as (
    select
        entity_id,
        count(*) as critical_findings
    from metrics.finding_status
    where month = $month
        and severity = 'critical'
        and status in ('new', 'still open')
    group by entity_id
),

as_of as (
    select
        entity_id,
        max(date) as last_ledger_date
    from raw.ledger
    group by entity_id
)

select
    entities.entity_id,
    entities.name,
    as_of.last_ledger_date,
    shortfall.month is not null as has_month,
    coalesce(shortfall.basis, entities.basis) as basis,
    shortfall.revenue,
    shortfall.gross_margin_pct,
    shortfall.revenue_target,
    shortfall.revenue_shortfall,
    shortfall.cash_end,
    shortfall.cash_target,
    shortfall.cash_shortfall,
    coalesce(configured.kpis_configured, 0) as kpis_configured,
    coalesce(kpis.kpis_met, 0) as kpis_met,
    coalesce(kpis.kpis_missed, 0) as kpis_missed,
    coalesce(kpis.kpis_unjudged, 0) as kpis_unjudged,
    coalesce(critical.critical_findings, 0) as critical_findings
from config.entities as entities
left join shortfall using (entity_id)
left join kpis using (entity_id)
left join configured using (entity_id)
left join critical using (entity_id)
left join as_of using (entity_id)
order by
    coalesce(shortfall.revenue_shortfall, 0) + coalesce(shortfall.cash_shortfall, 0) desc,
    coalesce(kpis.kpis_missed, 0) desc,
    has_month desc,
    entities.name
