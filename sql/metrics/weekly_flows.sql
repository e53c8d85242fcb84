-- metrics.weekly_flows: each entity's ISO weeks (metrics.weeks): cash at the start and the end,
-- money in and out, revenue on the entity's basis, bookings and trips made, invoices that fell
-- overdue and invoices paid in the week, and whether the data covers the week.
-- owner: cfo
-- grain: entity_id, iso_week
--
-- The sums of the week's days (metrics.daily_flows), whose figures the monthly relations count:
-- a week that spans two months is split at the month's end by its days (docs/decisions.md #51).
-- A week without activity is a row of zeros.
with weekly as (
    select
        entity_id,
        iso_week,
        arg_min(day_opening_cash, day) as cash_start,
        sum(day_money_in) as money_in,
        sum(day_money_out) as money_out,
        arg_max(day_closing_cash, day) as cash_end,
        any_value(basis) as basis,
        sum(day_revenue) as revenue,
        sum(day_cash_received) as cash_received,
        sum(day_revenue_earned) as revenue_earned,
        sum(bookings_made) as bookings_made,
        sum(bookings_amount) as bookings_amount,
        sum(trips_made) as trips_made,
        sum(trips_amount) as trips_amount,
        sum(invoices_overdue) as invoices_overdue,
        sum(overdue_amount) as overdue_amount,
        sum(invoices_paid) as invoices_paid,
        sum(invoices_paid_amount) as invoices_paid_amount
    from metrics.daily_flows
    group by entity_id, iso_week
)

select
    -- the week
    weeks.entity_id,
    weeks.iso_week,
    weeks.week_monday,
    weeks.week_sunday,
    weeks.week_covered,
    weeks.covers_through,
    -- cash
    weekly.cash_start::decimal(18, 2) as week_opening_cash,
    weekly.money_in::decimal(18, 2) as week_money_in,
    weekly.money_out::decimal(18, 2) as week_money_out,
    weekly.cash_end::decimal(18, 2) as week_closing_cash,
    -- revenue on the entity's basis, and both figures it is chosen from
    weekly.basis,
    weekly.revenue::decimal(18, 2) as week_revenue,
    weekly.cash_received::decimal(18, 2) as week_cash_received,
    weekly.revenue_earned::decimal(18, 2) as week_revenue_earned,
    -- the business done
    weekly.bookings_made::integer as bookings_made,
    weekly.bookings_amount::decimal(18, 2) as bookings_amount,
    weekly.trips_made::integer as trips_made,
    weekly.trips_amount::decimal(18, 2) as trips_amount,
    -- receivables
    weekly.invoices_overdue::integer as invoices_overdue,
    weekly.overdue_amount::decimal(18, 2) as overdue_amount,
    weekly.invoices_paid::integer as invoices_paid,
    weekly.invoices_paid_amount::decimal(18, 2) as invoices_paid_amount
from metrics.weeks as weeks
inner join weekly using (entity_id, iso_week)
order by weeks.entity_id, weeks.week_monday
