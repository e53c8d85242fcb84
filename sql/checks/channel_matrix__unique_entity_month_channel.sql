-- metrics.channel_matrix has one row per entity, month and channel: any key listed here repeats.
select
    entity_id,
    month,
    channel,
    count(*) as row_count
from metrics.channel_matrix
group by entity_id, month, channel
having count(*) > 1
order by entity_id, month, channel
