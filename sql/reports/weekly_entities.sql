-- The weekly flash's rows, one per configured entity: its figures of the ISO week $week
-- (metrics.weekly_flows) beside those of the week before ($previous_week), and whether its data
-- covers the week (metrics.weeks). An entity whose series does not reach the week has no figures
-- (nulls), not zeros: a week of its series without activity is a row of zeros.
with this_week as (
    select * from metrics.weekly_flows where iso_week = $week
),

last_week as (
    select * from metrics.weekly_flows where iso_week = $previous_week
)

select
    entities.entity_id,
    entities.name,
    this_week.iso_week is not null as in_series,
    coalesce(this_week.week_covered, false) as week_covered,
    this_week.covers_through,
    this_week.week_opening_cash,
    this_week.week_closing_cash,
    this_week.week_closing_cash - this_week.week_opening_cash as week_cash_change,
    last_week.week_closing_cash as previous_closing_cash,
    this_week.week_money_in,
    this_week.week_money_out,
    coalesce(this_week.basis, last_week.basis, entities.basis) as basis,
    this_week.week_revenue,
    last_week.week_revenue as previous_revenue,
    this_week.bookings_made,
    this_week.bookings_amount,
    this_week.trips_made,
    this_week.trips_amount,
    this_week.invoices_overdue,
    this_week.overdue_amount,
    this_week.invoices_paid,
    this_week.invoices_paid_amount
from config.entities as entities
left join this_week using (entity_id)
left join last_week using (entity_id)
order by entities.entity_id
