-- The rent roll of one rental entity ($entity_id) for the report month ($month): unpaid rent
-- first, then vacant units, then paid rent, each by unit.
select
    unit,
    lease_id,
    rent,
    occupied,
    rent_status,
    rent_paid_on
from metrics.rental_rent_roll
where entity_id = $entity_id and month = $month
order by
    case rent_status when 'unpaid' then 0 when 'vacant' then 1 else 2 end,
    unit nulls last,
    lease_id
