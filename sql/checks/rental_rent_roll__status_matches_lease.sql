-- A row is vacant exactly when it has no lease, and rent counts as paid exactly when it arrived
-- by the month's last day: each row here contradicts itself.
select
    entity_id,
    month,
    unit,
    lease_id,
    occupied,
    rent_status,
    rent_paid_on
from metrics.rental_rent_roll
where occupied is distinct from (lease_id is not null)
    or (rent_status = 'vacant') is distinct from (lease_id is null)
    or (rent_status = 'paid') is distinct from (rent_paid_on is not null)
    or rent_paid_on > last_day(month)
    or rent_status not in ('vacant', 'paid', 'unpaid')
order by entity_id, month, unit
