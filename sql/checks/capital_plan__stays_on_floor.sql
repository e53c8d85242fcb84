-- A funded candidate leaves its own entity, and the entity that gave a transfer or paid for it,
-- at or above its cash floor through the projection (room of zero or more); a transfer comes
-- from another entity.
select month, payback_rank, candidate, decision, room_after, donor_room_after
from metrics.capital_plan
where decision in ('fund', 'fund with transfer')
    and (
        (entity_id is not null and room_after < 0)
        or donor_room_after < 0
        or transfer_from = entity_id
        or (decision = 'fund with transfer' and transfer_amount is null)
    )
