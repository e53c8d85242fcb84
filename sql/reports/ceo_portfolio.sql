-- The portfolio's CEO figures for one report month ($month): revenue (each entity's on its own
-- basis, metrics.pnl_on_basis) and cash against their targets (metrics.kpi_status), added up
-- over the entities that have that target (sum of actuals against sum of targets, so one entity
-- above target offsets another below it), the totals over every entity, the KPIs met and the
-- open critical findings.
with figures as (
    select
        pnl.entity_id,
        pnl.revenue,
        pnl.cogs,
        burn.cash_end,
        round(revenue_targets.target, 2)::decimal(18, 2) as revenue_target,
        round(cash_targets.target, 2)::decimal(18, 2) as cash_target
    from metrics.pnl_on_basis as pnl
    inner join metrics.burn as burn using (entity_id, month)
    left join metrics.kpi_status as revenue_targets
        on revenue_targets.entity_id = pnl.entity_id
        and revenue_targets.month = pnl.month
        and revenue_targets.kpi = 'revenue'
    left join metrics.kpi_status as cash_targets
        on cash_targets.entity_id = pnl.entity_id
        and cash_targets.month = pnl.month
        and cash_targets.kpi = 'cash_end'
    where pnl.month = $month
),

totals as (
    select
        count(*) as entities,
        sum(revenue) as revenue_all,
        -- the portfolio's margin on every entity's revenue, each on its basis
        case when sum(revenue) <> 0
            then ((sum(revenue) - sum(cogs)) / sum(revenue))::double
        end as gross_margin_pct,
        sum(revenue) filter (where revenue_target is not null) as revenue,
        sum(revenue_target) as revenue_target,
        count(revenue_target) as revenue_entities,
        sum(cash_end) as cash_all,
        sum(cash_end) filter (where cash_target is not null) as cash_end,
        sum(cash_target) as cash_target,
        count(cash_target) as cash_entities
    from figures
),

kpis as (
    select
        count(*) as kpis,
        count(*) filter (where met) as kpis_met,
        count(*) filter (where not met) as kpis_missed
    from metrics.kpi_status
    where month = $month
),

critical as (
    select count(*) as critical_findings
    from metrics.finding_status
    where month = $month
        and severity = 'critical'
        and status in ('new', 'still open')
)

select
    totals.*,
    -- revenue and cash targets are floors: the portfolio falls short when the targets add up to
    -- more than the actuals
    greatest(totals.revenue_target - totals.revenue, 0)::decimal(18, 2) as revenue_shortfall,
    greatest(totals.cash_target - totals.cash_end, 0)::decimal(18, 2) as cash_shortfall,
    kpis.kpis,
    kpis.kpis_met,
    kpis.kpis_missed,
    critical.critical_findings
from totals
cross join kpis
cross join critical
