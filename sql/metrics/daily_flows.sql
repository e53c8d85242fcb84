-- metrics.daily_flows: each day of each entity's weeks (metrics.weeks): its cash at the start and
-- the end, money in and out, revenue on the entity's basis, bookings and trips made, invoices that
-- fell overdue and invoices paid. The days the weeks add up (metrics.weekly_flows) and the months
-- too, so a week that spans two months splits at the month's end exactly.
-- owner: cfo
-- grain: entity_id, day
--
-- Every figure is the one the monthly relations count, taken day by day (docs/decisions.md #51):
-- money in and out are metrics.account_months' (every ledger line, whatever its account), the
-- cash is metrics.cash_flows' (the month's cash at the start plus its lines to date), revenue is
-- metrics.revenue's, on its basis (cash received, or recognized revenue: the events of
-- metrics.revenue_events and the revenue lines no item accounts for), so the check
-- `adds_up_to_months` compares them to the cent.
with days as (
    select
        *,
        date_trunc('month', day)::date as month
    from (
        select
            entity_id,
            iso_week,
            unnest(generate_series(week_monday, week_sunday, interval 1 day))::date as day
        from metrics.weeks
    )
),

-- The cash is the monthly statement's (metrics.cash_flows): a day of a month is the month's cash
-- at the start plus the month's lines to date, so the month's last day ends on its cash_end. A
-- day outside the series (in the first week before the first month, in the last week after the
-- last month) has no line: its cash is the opening cash, or the last month's cash at the end.
series_cash as (
    select
        entity_id,
        min(month) as first_month,
        arg_max(cash_end, month) as last_cash_end
    from metrics.cash_flows
    group by entity_id
),

lines as (
    select
        entity_id,
        date as day,
        sum(amount) as day_net,
        coalesce(sum(amount) filter (where amount > 0), 0) as money_in,
        coalesce(-sum(amount) filter (where amount < 0), 0) as money_out,
        coalesce(sum(amount) filter (where account_type = 'revenue'), 0) as cash_received
    from metrics.ledger_lines
    group by entity_id, date
),

-- recognized revenue: what the bookings and invoices earned that day, and the revenue lines that
-- belong to none of them, earned when received (as metrics.revenue adds them up by month)
earned as (
    select entity_id, day, sum(earned) as recognized_revenue
    from (
        select entity_id, event_date as day, revenue_earned as earned
        from metrics.revenue_events
        union all
        select entity_id, date, amount
        from metrics.revenue_cash_lines
        where item_type is null
    )
    group by entity_id, day
),

-- a booking is made on the day it is booked, a trip on the day it is served (a charter sails, a
-- delivery trip departs); a rental's booking is a month of rent, no trip. Only the bookings still
-- confirmed: a cancelled or refunded one was not business won.
bookings as (
    select
        entity_id,
        booked_on as day,
        count(*) as bookings_made,
        sum(amount) as bookings_amount
    from raw.bookings
    where status = 'confirmed'
    group by entity_id, booked_on
),

trips as (
    select
        bookings.entity_id,
        bookings.service_date as day,
        count(*) as trips_made,
        sum(bookings.amount) as trips_amount
    from raw.bookings as bookings
    inner join config.entities as entities using (entity_id)
    where bookings.status = 'confirmed'
        and entities.kind <> 'rental'
    group by bookings.entity_id, bookings.service_date
),

-- As in metrics.receivables_invoices: an invoice of 0.00 is no receivable, a payment counts from
-- its date on, a payment date without an amount is a payment in full. An invoice falls overdue
-- the day after its due date when money is still owed at the end of that date.
invoices as (
    select
        entity_id,
        invoice_id,
        due_on,
        amount,
        paid_on,
        case when paid_on is not null then coalesce(paid_amount, amount) end as paid_amount
    from raw.invoices
    where amount > 0
),

overdue as (
    select
        entity_id,
        (due_on + 1)::date as day,
        count(*) as invoices_overdue,
        sum(open_balance) as overdue_amount
    from (
        select
            *,
            greatest(
                amount - case when paid_on <= due_on then paid_amount else 0 end, 0
            ) as open_balance
        from invoices
    )
    where open_balance > 0
    group by entity_id, due_on
),

paid as (
    select
        entity_id,
        paid_on as day,
        count(*) as invoices_paid,
        sum(paid_amount) as invoices_paid_amount
    from invoices
    where paid_on is not null
    group by entity_id, paid_on
),

daily as (
    select
        days.entity_id,
        days.day,
        days.iso_week,
        days.month,
        -- the basis the month's revenue is counted on (metrics.revenue), the configured one
        -- outside the series
        coalesce(month_revenue.basis, entities.basis) as basis,
        coalesce(
            month_cash.cash_start,
            case
                when days.day < series_cash.first_month then entities.opening_cash
                else series_cash.last_cash_end
            end
        ) + sum(coalesce(lines.day_net, 0)) over running as cash_end,
        coalesce(lines.money_in, 0) as money_in,
        coalesce(lines.money_out, 0) as money_out,
        coalesce(lines.cash_received, 0) as cash_received,
        coalesce(earned.recognized_revenue, 0) as recognized_revenue,
        coalesce(bookings.bookings_made, 0) as bookings_made,
        coalesce(bookings.bookings_amount, 0) as bookings_amount,
        coalesce(trips.trips_made, 0) as trips_made,
        coalesce(trips.trips_amount, 0) as trips_amount,
        coalesce(overdue.invoices_overdue, 0) as invoices_overdue,
        coalesce(overdue.overdue_amount, 0) as overdue_amount,
        coalesce(paid.invoices_paid, 0) as invoices_paid,
        coalesce(paid.invoices_paid_amount, 0) as invoices_paid_amount
    from days
    inner join config.entities as entities using (entity_id)
    left join series_cash using (entity_id)
    left join metrics.cash_flows as month_cash using (entity_id, month)
    left join metrics.revenue as month_revenue using (entity_id, month)
    left join lines using (entity_id, day)
    left join earned using (entity_id, day)
    left join bookings using (entity_id, day)
    left join trips using (entity_id, day)
    left join overdue using (entity_id, day)
    left join paid using (entity_id, day)
    window running as (
        partition by days.entity_id, days.month order by days.day
        rows between unbounded preceding and current row
    )
)

select
    -- the day
    entity_id,
    day,
    iso_week,
    month,
    -- cash
    (cash_end - money_in + money_out)::decimal(18, 2) as day_opening_cash,
    money_in::decimal(18, 2) as day_money_in,
    money_out::decimal(18, 2) as day_money_out,
    cash_end::decimal(18, 2) as day_closing_cash,
    -- revenue on the entity's basis, and both figures it is chosen from
    basis,
    case when basis = 'accrual' then recognized_revenue else cash_received end::decimal(
        18, 2
    ) as day_revenue,
    cash_received::decimal(18, 2) as day_cash_received,
    recognized_revenue::decimal(18, 2) as day_revenue_earned,
    -- the business done
    bookings_made::integer as bookings_made,
    bookings_amount::decimal(18, 2) as bookings_amount,
    trips_made::integer as trips_made,
    trips_amount::decimal(18, 2) as trips_amount,
    -- receivables
    invoices_overdue::integer as invoices_overdue,
    overdue_amount::decimal(18, 2) as overdue_amount,
    invoices_paid::integer as invoices_paid,
    invoices_paid_amount::decimal(18, 2) as invoices_paid_amount
from daily
order by entity_id, day
