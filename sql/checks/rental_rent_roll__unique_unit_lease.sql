-- The rent roll lists each unit and lease month once per month: each row here repeats (a vacant
-- unit has no lease, a lease without a unit has no unit).
select
    entity_id,
    month,
    unit,
    lease_id,
    count(*) as row_count
from metrics.rental_rent_roll
group by entity_id, month, unit, lease_id
having count(*) > 1
order by entity_id, month, unit, lease_id
