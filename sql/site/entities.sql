-- The entities of reporting.yaml, by name, each with the first and last month of its
-- series in the metric store up to the archive's latest report month ($through): one trend
-- page each.
select
    entities.entity_id,
    entities.name,
    entities.kind,
    min(burn.month) as first_month,
    max(burn.month) as last_month
from config.entities as entities
left join metrics.burn as burn
    on burn.entity_id = entities.entity_id
    and burn.month <= $through
group by all
order by entities.name, entities.entity_id
