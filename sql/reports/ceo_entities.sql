-- The CEO's figures for one report month ($month, a DATE on the 1st), one row per configured
-- entity: revenue and cash at month end against their targets on the entity's basis
-- (metrics.target_shortfalls), gross margin on that basis (metrics.pnl_on_basis), how many KPIs
-- it met and missed, and its open critical findings. The entities furthest short of their
-- targets come first.
with shortfall as (
    -- joined on the basis: the row of metrics.target_shortfalls on the entity's basis
    select
        shortfalls.*,
        pnl.gross_margin_pct
    from metrics.target_shortfalls as shortfalls
    inner join metrics.pnl_on_basis as pnl using (entity_id, month, basis)
    where shortfalls.month = $month
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
