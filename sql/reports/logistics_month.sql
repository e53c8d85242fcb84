-- One logistics entity's month ($entity_id, $month) from metrics.logistics_monthly, with the
-- gross margin target set in reporting.yaml (if any), which the trip margin % is held against.
select
    logistics.*,
    kpis.target as margin_target
from metrics.logistics_monthly as logistics
left join config.kpis as kpis
    on kpis.entity_id = logistics.entity_id
    and kpis.metric = 'gross_margin_pct'
    and kpis.better = 'higher'
where logistics.entity_id = $entity_id and logistics.month = $month
