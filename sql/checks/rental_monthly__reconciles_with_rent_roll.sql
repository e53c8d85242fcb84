-- The month's units, leases and rent are those of its rent roll, no more units are let than
-- available, revenue is metrics.revenue's (the entity's basis), and net operating income less
-- interest is the P&L's operating income with that revenue in place of the cash revenue: each
-- row here is a month that does not add up.
with roll as (
    select
        entity_id,
        month,
        count(distinct unit) as units_available,
        count(distinct unit) filter (where occupied) as units_occupied,
        count(lease_id) as leases,
        coalesce(sum(rent), 0) as rent_scheduled,
        coalesce(sum(rent) filter (where rent_status = 'paid'), 0) as rent_collected
    from metrics.rental_rent_roll
    group by entity_id, month
)

select
    rental.entity_id,
    rental.month,
    rental.units_available,
    rental.units_occupied,
    rental.rent_scheduled,
    rental.rent_collected,
    rental.noi,
    pnl.operating_income
from metrics.rental_monthly as rental
inner join metrics.monthly_pnl as pnl using (entity_id, month)
inner join metrics.revenue as revenue using (entity_id, month)
left join roll using (entity_id, month)
where rental.units_available <> coalesce(roll.units_available, 0)
    or rental.units_occupied <> coalesce(roll.units_occupied, 0)
    or rental.leases <> coalesce(roll.leases, 0)
    or rental.rent_scheduled <> coalesce(roll.rent_scheduled, 0)
    or rental.rent_collected <> coalesce(roll.rent_collected, 0)
    or rental.units_occupied > rental.units_available
    or rental.revenue <> revenue.revenue
    or rental.noi - rental.interest_paid <> pnl.operating_income - pnl.revenue + revenue.revenue
    or rental.debt_service <> rental.interest_paid + rental.principal_paid
order by rental.entity_id, rental.month
