-- A revenue or cash shortfall is above zero exactly when metrics.kpi_gaps says that KPI missed
-- its target (compared to the cent), and it has a target exactly when the KPI is configured:
-- each row here is a month where the two relations disagree.
with shortfalls as (
    select
        entity_id,
        month,
        'revenue' as kpi,
        revenue_target as target,
        revenue_shortfall as shortfall
    from metrics.shortfall_by_entity
    union all
    select
        entity_id,
        month,
        'cash_end' as kpi,
        cash_target as target,
        cash_shortfall as shortfall
    from metrics.shortfall_by_entity
)

select
    shortfalls.entity_id,
    shortfalls.month,
    shortfalls.kpi,
    shortfalls.target,
    shortfalls.shortfall,
    gaps.gap,
    gaps.met
from shortfalls
left join metrics.kpi_gaps as gaps using (entity_id, month, kpi)
where (gaps.kpi is null) <> (shortfalls.target is null)
    or (shortfalls.shortfall > 0) is distinct from (round(gaps.gap, 2) < 0)
order by shortfalls.entity_id, shortfalls.month, shortfalls.kpi
