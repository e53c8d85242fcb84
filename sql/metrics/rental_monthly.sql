-- metrics.rental_monthly: each rental entity's month: occupancy and rent from the rent roll,
-- net operating income, debt service and its coverage, for the month and the trailing 12 months.
-- Revenue, and so net operating income, is metrics.revenue's, on the entity's basis: on the
-- accrual basis rent counts in the month it is due, not the month it arrives.
-- owner: ceo
-- grain: entity_id, month
-- series: rental
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
),

-- Rent that arrived in the month for a lease month still to come: in the month's revenue (and net
-- operating income) on the cash basis, deferred to the month it is due on the accrual basis.
rent_in_advance as (
    select
        bookings.entity_id,
        date_trunc('month', bookings.paid_on)::date as month,
        sum(bookings.amount) as rent_in_advance
    from raw.bookings as bookings
    inner join config.entities as entities using (entity_id)
    where entities.kind = 'rental'
        and bookings.status = 'confirmed'
        and date_trunc('month', bookings.paid_on) < date_trunc('month', bookings.service_date)
    group by all
),

-- Debt service is what the loans cost in cash: interest, the expense lines on accounts whose
-- name says "interest" (mortgage or loan interest), and principal, the money paid out on
-- liability accounts (a drawdown, money in, repays nothing). Interest earned is revenue, not an
-- expense, so the account type is checked as well as the name.
debt_payments as (
    select
        entity_id,
        month,
        coalesce(-sum(month_net) filter (
            where account_type in ('cogs', 'expense') and account_name ilike '%interest%'
        ), 0) as interest_paid,
        coalesce(sum(money_out) filter (where account_type = 'liability'), 0) as principal_paid
    from metrics.account_months
    group by entity_id, month
),

-- Net operating income is revenue minus every cost but debt service (taxes, insurance, repairs
-- and utilities stay in): on the cash basis the P&L's operating income before interest.
monthly as (
    select
        months.entity_id,
        months.month,
        coalesce(roll.units_available, 0) as units_available,
        coalesce(roll.units_occupied, 0) as units_occupied,
        coalesce(roll.leases, 0) as leases,
        coalesce(roll.rent_scheduled, 0)::decimal(18, 2) as rent_scheduled,
        coalesce(roll.rent_collected, 0)::decimal(18, 2) as rent_collected,
        coalesce(rent_in_advance.rent_in_advance, 0)::decimal(18, 2) as rent_in_advance,
        revenue.revenue,
        (pnl.cogs + pnl.opex - coalesce(debt_payments.interest_paid, 0))::decimal(18, 2)
            as operating_costs,
        (
            revenue.revenue - pnl.cogs - pnl.opex + coalesce(debt_payments.interest_paid, 0)
        )::decimal(18, 2) as noi,
        coalesce(debt_payments.interest_paid, 0)::decimal(18, 2) as interest_paid,
        coalesce(debt_payments.principal_paid, 0)::decimal(18, 2) as principal_paid
    from metrics.entity_months as months
    inner join config.entities as entities using (entity_id)
    inner join metrics.monthly_pnl as pnl using (entity_id, month)
    inner join metrics.revenue as revenue using (entity_id, month)
    left join roll using (entity_id, month)
    left join rent_in_advance using (entity_id, month)
    left join debt_payments using (entity_id, month)
    where entities.kind = 'rental'
),

-- The trailing 12 months smooth the lumpy months (an annual premium, a tax installment): the
-- month and the eleven before it, fewer at the start of the series.
last_year as (
    select
        *,
        (interest_paid + principal_paid)::decimal(18, 2) as debt_service,
        sum(units_occupied) over last_12 as occupied_12m,
        sum(units_available) over last_12 as available_12m,
        sum(noi) over last_12 as noi_12m,
        sum(interest_paid + principal_paid) over last_12 as debt_service_12m
    from monthly
    window last_12 as (
        partition by entity_id order by month rows between 11 preceding and current row
    )
)

select
    entity_id,
    month,
    units_available,
    units_occupied,
    -- no unit seen in the year: occupancy is unknown, not zero
    case
        when units_available > 0 then (units_occupied / units_available)::double
    end as occupancy_rate,
    case
        when available_12m > 0 then (occupied_12m / available_12m)::double
    end as occupancy_rate_12m,
    leases,
    rent_scheduled,
    rent_collected,
    rent_in_advance,
    revenue,
    operating_costs,
    noi,
    interest_paid,
    principal_paid,
    debt_service,
    -- no debt service, nothing to cover: the ratio is empty rather than infinite
    case when debt_service > 0 then (noi / debt_service)::double end as dscr,
    noi_12m::decimal(18, 2) as noi_12m,
    debt_service_12m::decimal(18, 2) as debt_service_12m,
    case
        when debt_service_12m > 0 then (noi_12m / debt_service_12m)::double
    end as dscr_12m
from last_year
order by entity_id, month
