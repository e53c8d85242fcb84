-- An OTA is suggested only where it does not list the entity that month and suits the
-- entity's kind: each row here is a suggestion that breaks one of the two.
select
    sequence.entity_id,
    sequence.month,
    sequence.ota,
    coalesce(matrix.listed, false) as listed,
    list_contains(otas.kinds, entities.kind) as suits_kind
from metrics.ota_sequence as sequence
inner join config.entities as entities using (entity_id)
left join config.otas as otas on sequence.ota = otas.name
left join metrics.channel_matrix as matrix
    on sequence.entity_id = matrix.entity_id
    and sequence.month = matrix.month
    and sequence.ota = matrix.channel
where coalesce(matrix.listed, false)
    or not coalesce(list_contains(otas.kinds, entities.kind), false)
order by sequence.entity_id, sequence.month, sequence.ota
