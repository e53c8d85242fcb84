-- The OTAs each entity is not listed on yet in the report month ($month), in the order to add
-- them.
select
    sequence.entity_id,
    entities.name,
    sequence.ota_rank,
    sequence.ota,
    sequence.audience,
    sequence.commission,
    sequence.net_audience,
    sequence.ota_reason
from metrics.ota_sequence as sequence
inner join config.entities as entities using (entity_id)
where sequence.month = $month
order by entities.name, sequence.ota_rank
