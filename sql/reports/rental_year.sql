-- One rental entity's last 12 months up to the report month ($entity_id, $month) added up: the
-- total row of the report's monthly tables. The trailing figures of the report month itself
-- (net operating income, debt service, their coverage and occupancy) come from
-- metrics.rental_monthly as they are.
with last_12 as (
    select
        sum(units_available) as units_available,
        sum(units_occupied) as units_occupied,
        sum(leases) as leases,
        sum(rent_scheduled) as rent_scheduled,
        sum(rent_collected) as rent_collected,
        sum(revenue) as revenue,
        sum(operating_costs) as operating_costs,
        sum(interest_paid) as interest_paid,
        sum(principal_paid) as principal_paid
    from metrics.rental_monthly
    where entity_id = $entity_id
        and month > $month - interval 12 month
        and month <= $month
)

select
    last_12.*,
    rental.noi_12m as noi,
    rental.debt_service_12m as debt_service,
    rental.dscr_12m as dscr,
    rental.occupancy_rate_12m as occupancy_rate
from last_12
cross join metrics.rental_monthly as rental
where rental.entity_id = $entity_id and rental.month = $month
