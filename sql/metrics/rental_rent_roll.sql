-- metrics.rental_rent_roll: the rent roll of each rental entity, one row per unit available in
-- the month (let or vacant) and per lease month of the month whose booking names no unit.
-- owner: ceo
-- grain: entity_id, month, unit, lease_id
with rental_entities as (
    select entity_id
    from config.entities
    where kind = 'rental'
),

-- Each confirmed booking of a rental entity is one lease month of one unit, in the month of its
-- service date. The unit is read from the booking id: an id ending in -YYYY-MM (the demo's
-- R3028-A-2026-10) names the unit before it (R3028-A). Cancelled and refunded bookings let
-- nothing, and a booking id without that ending names no unit.
leases as (
    select
        bookings.entity_id,
        date_trunc('month', bookings.service_date)::date as month,
        nullif(regexp_extract(bookings.booking_id, '^(.+)-[0-9]{4}-[0-9]{2}$', 1), '') as unit,
        bookings.booking_id as lease_id,
        bookings.amount as rent,
        bookings.paid_on
    from raw.bookings as bookings
    inner join rental_entities using (entity_id)
    where bookings.status = 'confirmed'
),

-- A unit is available in a month when it has a lease month in that month or the eleven before
-- it: a unit seen within the last year is part of the property, let or not.
available_units as (
    select distinct
        months.entity_id,
        months.month,
        months.month_end,
        leases.unit
    from metrics.entity_months as months
    inner join leases
        on leases.entity_id = months.entity_id
        and leases.month between months.month - interval 11 month and months.month
    where leases.unit is not null
),

unit_months as (
    select
        available_units.entity_id,
        available_units.month,
        available_units.month_end,
        available_units.unit,
        leases.lease_id,
        leases.rent,
        leases.paid_on
    from available_units
    left join leases using (entity_id, month, unit)
),

-- Lease months without a unit still owe rent: they are listed, but no occupancy counts them.
unitless as (
    select
        months.entity_id,
        months.month,
        months.month_end,
        null::varchar as unit,
        leases.lease_id,
        leases.rent,
        leases.paid_on
    from metrics.entity_months as months
    inner join leases using (entity_id, month)
    where leases.unit is null
),

roll as (
    select * from unit_months
    union all
    select * from unitless
)

-- Rent counts as paid when the money arrived by the month's last day (also in advance).
select
    entity_id,
    month,
    unit,
    lease_id,
    rent,
    lease_id is not null as occupied,
    case when paid_on <= month_end then paid_on end as rent_paid_on,
    case
        when lease_id is null then 'vacant'
        when paid_on <= month_end then 'paid'
        else 'unpaid'
    end as rent_status
from roll
order by entity_id, month, unit nulls last, lease_id
