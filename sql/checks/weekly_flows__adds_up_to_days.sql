-- Each week of an entity's series (metrics.weeks) has its row, and its figures are the sums of
-- its seven days (metrics.daily_flows, whose days add up to the months: check
-- daily_flows__adds_up_to_months), its cash at the start that of its Monday and at the end that
-- of its Sunday. Each row here is a week missing, or one that disagrees with its days.
with days as (
    select
        entity_id,
        iso_week,
        count(*) as days,
        arg_min(day_opening_cash, day) as cash_start,
        arg_max(day_closing_cash, day) as cash_end,
        sum(day_money_in) as money_in,
        sum(day_money_out) as money_out,
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
    weeks.entity_id,
    weeks.iso_week,
    days.days,
    flows.iso_week as in_weekly_flows,
    flows.week_money_in,
    days.money_in as days_money_in,
    flows.week_money_out,
    days.money_out as days_money_out,
    flows.week_revenue,
    days.revenue as days_revenue
from metrics.weeks as weeks
left join days using (entity_id, iso_week)
left join metrics.weekly_flows as flows using (entity_id, iso_week)
where flows.iso_week is null
    or days.days is distinct from 7
    or flows.week_opening_cash is distinct from days.cash_start
    or flows.week_closing_cash is distinct from days.cash_end
    or flows.week_money_in is distinct from days.money_in
    or flows.week_money_out is distinct from days.money_out
    or flows.week_revenue is distinct from days.revenue
    or flows.week_cash_received is distinct from days.cash_received
    or flows.week_revenue_earned is distinct from days.revenue_earned
    or flows.bookings_made is distinct from days.bookings_made
    or flows.bookings_amount is distinct from days.bookings_amount
    or flows.trips_made is distinct from days.trips_made
    or flows.trips_amount is distinct from days.trips_amount
    or flows.invoices_overdue is distinct from days.invoices_overdue
    or flows.overdue_amount is distinct from days.overdue_amount
    or flows.invoices_paid is distinct from days.invoices_paid
    or flows.invoices_paid_amount is distinct from days.invoices_paid_amount
order by weeks.entity_id, weeks.iso_week
