-- metrics.forecast_flows: the dated cash flows already known at each month end, one row per flow,
-- for the months the forecasts reach: open invoices by due date, booked trips, charters and lease
-- months not yet paid, the rent of let units rolling on, loan principal and interest, recurring
-- payments and the owner's average draw. Money in is positive, money out negative.
-- owner: cfo
-- grain: entity_id, month, flow_kind, source_id, flow_date
--
-- Capital spending is not here: it depends on the plan, which is built from these flows
-- (metrics.capital_plan); metrics.cash_projection and metrics.cash_forecast_flows add it.
with report_months as (
    select
        entity_id,
        month,
        month_end,
        -- the projection's months, and at least the four the 13-week forecast reaches into
        (month_end + to_months(greatest(parameters.projection_months, 4)))::date as horizon_end
    from metrics.entity_months
    cross join config.parameters as parameters
),

months_ahead as (
    select
        report_months.*,
        (report_months.month + to_months(ahead.months_ahead))::date as projected_month
    from report_months
    cross join config.parameters as parameters
    cross join
        (select unnest(generate_series(1, 60)) as months_ahead) as ahead
    where ahead.months_ahead <= greatest(parameters.projection_months, 4)
),

-- Invoices still open at the month end are collected on their due date; an overdue one on the
-- first day after the month.
receivables as (
    select
        months.entity_id,
        months.month,
        greatest(invoices.due_on, months.month_end + 1) as flow_date,
        'receivable' as flow_kind,
        invoices.invoice_id as source_id,
        'Invoice ' || invoices.invoice_id || ', ' || invoices.client || ', due '
        || strftime(invoices.due_on, '%Y-%m-%d') as description,
        invoices.open_balance as amount
    from report_months as months
    inner join metrics.receivables_invoices as invoices using (entity_id, month)
),

-- Confirmed bookings known by the month end and not paid by it: the money comes on the service
-- date (a past one unpaid: the first day after the month).
bookings as (
    select
        months.entity_id,
        months.month,
        greatest(bookings.service_date, months.month_end + 1) as flow_date,
        case entities.kind
            when 'rental' then 'rent'
            when 'logistics' then 'trip'
            else 'booking'
        end as flow_kind,
        bookings.booking_id as source_id,
        case entities.kind
            when 'rental' then 'Rent '
            when 'logistics' then 'Trip '
            else 'Charter '
        end || bookings.booking_id || ', unpaid' as description,
        bookings.amount
    from report_months as months
    inner join config.entities as entities using (entity_id)
    inner join raw.bookings as bookings
        on bookings.entity_id = months.entity_id
        and coalesce(bookings.booked_on, bookings.service_date) <= months.month_end
        and (bookings.paid_on is null or bookings.paid_on > months.month_end)
        and bookings.service_date <= months.horizon_end
    where bookings.status = 'confirmed'
        and bookings.amount > 0
),

-- A unit let in the report month stays let at its rent: each later month without a lease month
-- of its own booked (paid or not) brings that rent on the lease's day of the month.
let_units as (
    select
        roll.entity_id,
        roll.month,
        roll.unit,
        roll.rent,
        day(leases.service_date) as rent_day
    from metrics.rental_rent_roll as roll
    inner join raw.bookings as leases
        on leases.entity_id = roll.entity_id
        and leases.booking_id = roll.lease_id
    where roll.occupied
        and roll.unit is not null
),

-- Recurring payments of the month go on, on the day of the month they were last paid; a
-- lender's are its loan interest (metrics.loan_payments).
recurring as (
    select
        recurring.entity_id,
        recurring.month,
        recurring.counterparty,
        recurring.monthly_amount,
        max(day(lines.date)) as payment_day
    from metrics.recurring_payments as recurring
    inner join metrics.ledger_lines as lines
        on lines.entity_id = recurring.entity_id
        and lines.month = recurring.month
        and lines.counterparty = recurring.counterparty
        and lines.amount < 0
    where not exists (
        select 1
        from metrics.loan_payments as loans
        where loans.entity_id = recurring.entity_id
            and loans.month = recurring.month
            and loans.lender = recurring.counterparty
    )
    group by all
),

-- The owner's draws: money out on equity accounts, averaged over the last twelve months of the
-- series (fewer at its start), on the day of the month of the latest one.
draws_by_month as (
    select
        entity_id,
        month,
        -sum(amount) as drawn,
        max(date) as last_drawn_on
    from metrics.ledger_lines
    where account_type = 'equity' and amount < 0
    group by entity_id, month
),

draw_average as (
    select
        months.entity_id,
        months.month,
        round(sum(coalesce(draws.drawn, 0)) / count(*), 2)::decimal(18, 2) as average_draw,
        day(max(draws.last_drawn_on)) as draw_day
    from metrics.entity_months as months
    inner join metrics.entity_months as window_months
        on window_months.entity_id = months.entity_id
        and window_months.month between months.month - interval 11 month and months.month
    left join draws_by_month as draws
        on draws.entity_id = window_months.entity_id
        and draws.month = window_months.month
    group by months.entity_id, months.month
),

-- What the month end knows to come again every month ahead, each on its day of the month: the
-- rent of a let unit, loan principal and interest, recurring payments and the owner's draw.
monthly_flows as (
    select
        entity_id,
        month,
        rent_day as payment_day,
        'rent' as flow_kind,
        unit as source_id,
        'Rent, unit ' || unit || ' (lease rolls on)' as description,
        rent as amount
    from let_units
    union all
    select
        loans.entity_id,
        loans.month,
        loans.payment_day,
        parts.flow_kind,
        loans.lender as source_id,
        case parts.flow_kind
            when 'loan principal' then 'Loan principal, ' || loans.lender
            else 'Loan interest, ' || loans.lender
        end as description,
        -case parts.flow_kind
            when 'loan principal' then loans.principal
            else loans.interest
        end as amount
    from metrics.loan_payments as loans
    cross join (values ('loan principal'), ('loan interest')) as parts (flow_kind)
    where parts.flow_kind = 'loan principal' or loans.interest > 0
    union all
    select
        entity_id,
        month,
        payment_day,
        'recurring payment' as flow_kind,
        counterparty as source_id,
        'Recurring payment, ' || counterparty as description,
        -monthly_amount as amount
    from recurring
    union all
    select
        entity_id,
        month,
        draw_day as payment_day,
        'owner draw' as flow_kind,
        'owner' as source_id,
        'Owner draw, 12-month average' as description,
        -average_draw as amount
    from draw_average
    where average_draw > 0
),

-- Each month ahead on the flow's day of the month (its last day in a shorter month). A let
-- unit's rent rolls on only in a month without a lease month of its own booked (paid or not,
-- booking id `<unit>-<YYYY-MM>`): that booking is the month's rent.
repeated as (
    select
        months.entity_id,
        months.month,
        make_date(
            year(months.projected_month),
            month(months.projected_month),
            least(flows.payment_day, day(last_day(months.projected_month)))
        ) as flow_date,
        flows.flow_kind,
        flows.source_id,
        flows.description,
        flows.amount
    from months_ahead as months
    inner join monthly_flows as flows using (entity_id, month)
    where not (
        flows.flow_kind = 'rent'
        and exists (
            select 1
            from raw.bookings as booked
            where booked.entity_id = months.entity_id
                and booked.status = 'confirmed'
                and booked.booking_id
                = flows.source_id || '-' || strftime(months.projected_month, '%Y-%m')
        )
    )
),

flows as (
    select * from receivables
    union all
    select * from bookings
    union all
    select * from repeated
)

select
    flows.entity_id,
    flows.month,
    flows.flow_date,
    date_trunc('month', flows.flow_date)::date as projected_month,
    flows.flow_kind,
    flows.source_id,
    flows.description,
    flows.amount::decimal(18, 2) as amount
from flows
inner join report_months using (entity_id, month)
where flows.flow_date <= report_months.horizon_end
order by flows.entity_id, flows.month, flows.flow_date, flows.flow_kind, flows.source_id
