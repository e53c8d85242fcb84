-- metrics.ota_sequence has one row per entity, month and OTA: any key listed here repeats.
select
    entity_id,
    month,
    ota,
    count(*) as row_count
from metrics.ota_sequence
group by entity_id, month, ota
having count(*) > 1
order by entity_id, month, ota
