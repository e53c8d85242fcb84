-- metrics.target_shortfalls: revenue and cash at month end against the targets set for them in
-- reporting.yaml, with how much each falls short, one row per entity, month of its series and
-- basis: the cash basis for every entity, and the entity's own basis where that is another.
-- owner: ceo
-- grain: entity_id, month, basis
--
-- metrics.shortfall_by_entity is its cash rows (other tools read it); the CEO report reads its
-- rows on each entity's basis (sql/reports/ceo_entities.sql). Only revenue changes with the
-- basis (metrics.pnl_on_basis): cash at month end is the bank's on either.
with figures as (
    select
        months.entity_id,
        months.month,
        'cash' as basis,
        burn.revenue,
        burn.cash_end
    from metrics.entity_months as months
    inner join metrics.burn as burn using (entity_id, month)
    union all
    select
        pnl.entity_id,
        pnl.month,
        pnl.basis,
        pnl.revenue,
        burn.cash_end
    from metrics.pnl_on_basis as pnl
    inner join metrics.burn as burn using (entity_id, month)
    where pnl.basis <> 'cash'
),

-- The targets as metrics.kpi_gaps carries them (config.kpis, one row per KPI and month), in
-- cents: a shortfall is money and is compared with money.
targets as (
    select
        entity_id,
        month,
        kpi,
        round(target, 2)::decimal(18, 2) as target,
        better
    from metrics.kpi_gaps
    where kpi in ('revenue', 'cash_end')
)

select
    figures.entity_id,
    figures.month,
    figures.basis,
    figures.revenue,
    revenue_targets.target as revenue_target,
    -- how much is missing to reach the target, 0 when it is reached; "better" is honoured
    -- although a lower-is-better revenue or cash target would be odd
    case revenue_targets.better
        when 'higher' then greatest(revenue_targets.target - figures.revenue, 0)
        when 'lower' then greatest(figures.revenue - revenue_targets.target, 0)
    end::decimal(18, 2) as revenue_shortfall,
    figures.cash_end,
    cash_targets.target as cash_target,
    case cash_targets.better
        when 'higher' then greatest(cash_targets.target - figures.cash_end, 0)
        when 'lower' then greatest(figures.cash_end - cash_targets.target, 0)
    end::decimal(18, 2) as cash_shortfall
from figures
left join targets as revenue_targets
    on revenue_targets.entity_id = figures.entity_id
    and revenue_targets.month = figures.month
    and revenue_targets.kpi = 'revenue'
left join targets as cash_targets
    on cash_targets.entity_id = figures.entity_id
    and cash_targets.month = figures.month
    and cash_targets.kpi = 'cash_end'
order by figures.entity_id, figures.month, figures.basis
