-- metrics.upcoming: the dated events known at each month end for the two calendar months after
-- it, one row per event: invoices and rent falling due, loan payments, trips and charters
-- departing, certificates expiring and milestones due, each with its day and the money it moves.
-- owner: ceo
-- grain: month, entity_id, upcoming_kind, upcoming_source, upcoming_on
--
-- Per report month, as known at its last day, and wider than any one report's window: the CEO
-- and CFO reports read the 30 days after the month (sql/reports/upcoming.sql, $start and $days),
-- and the weekly flash can read the 14 days after a Sunday of the next month from the same rows.
-- Money comes from the relations that already carry it (the cash forecast's flows, the
-- receivables aging): this relation never computes an amount of its own. Only what has its own
-- date is here: an invoice already overdue or a booking already served is past, not coming (the
-- aging and the forecast carry it), and recurring payments and owner draws are estimates from
-- history (the 13-week cash forecast carries them).
with windows as (
    select
        entity_id,
        month,
        month_end,
        last_day(month + interval 2 month) as window_end
    from metrics.entity_months
),

-- a milestone of no entity (the whole portfolio) follows every month any entity has
portfolio_windows as (
    select distinct
        month,
        month_end,
        window_end
    from windows
),

invoices as (
    select
        invoices.entity_id,
        invoices.month,
        invoices.due_on,
        'invoice_due' as kind,
        invoices.invoice_id as source_id,
        'Invoice ' || invoices.invoice_id || ', ' || invoices.client
        || case
            when invoices.open_balance < invoices.invoice_amount then ', part paid'
            else ''
        end as what,
        invoices.open_balance as amount
    from metrics.receivables_invoices as invoices
    inner join windows using (entity_id, month)
    where invoices.due_on > windows.month_end
        and invoices.due_on <= windows.window_end
),

-- Bookings known by the month end whose service date lies ahead: a lease month's rent falls due,
-- a trip or charter departs. The money is the forecast's flow for the booking: none when it was
-- paid by the month end.
bookings as (
    select
        windows.entity_id,
        windows.month,
        bookings.service_date as due_on,
        case entities.kind
            when 'rental' then 'rent_due'
            when 'logistics' then 'departure'
            when 'charter' then 'departure'
            else 'booking'
        end as kind,
        bookings.booking_id as source_id,
        case entities.kind
            when 'rental' then 'Rent, lease '
            when 'logistics' then 'Trip '
            when 'charter' then 'Charter '
            else 'Booking '
        end || bookings.booking_id
        || case when entities.kind = 'rental' then '' else ' (' || bookings.channel || ')' end
        || case
            when bookings.paid_on <= windows.month_end
                then ', paid ' || strftime(bookings.paid_on, '%Y-%m-%d')
            when flows.amount is not null then ', unpaid'
            else ''
        end as what,
        flows.amount
    from windows
    inner join config.entities as entities using (entity_id)
    inner join raw.bookings as bookings
        on bookings.entity_id = windows.entity_id
        and coalesce(bookings.booked_on, bookings.service_date) <= windows.month_end
        and bookings.service_date > windows.month_end
        and bookings.service_date <= windows.window_end
    left join metrics.forecast_flows as flows
        on flows.entity_id = windows.entity_id
        and flows.month = windows.month
        and flows.source_id = bookings.booking_id
        and flows.flow_kind in ('booking', 'trip', 'rent')
    where bookings.status = 'confirmed'
),

-- The rent of a let unit rolling on (no lease month of its own booked): the forecast's flow.
rolling_rent as (
    select
        flows.entity_id,
        flows.month,
        flows.flow_date as due_on,
        'rent_due' as kind,
        flows.source_id,
        flows.description as what,
        flows.amount
    from metrics.forecast_flows as flows
    inner join windows using (entity_id, month)
    where flows.flow_kind = 'rent'
        and flows.flow_date > windows.month_end
        and flows.flow_date <= windows.window_end
        and not exists (
            select 1
            from raw.bookings as bookings
            where bookings.entity_id = flows.entity_id
                and bookings.booking_id = flows.source_id
        )
),

-- One payment per lender and day: the forecast's principal and interest together.
loans as (
    select
        flows.entity_id,
        flows.month,
        flows.flow_date as due_on,
        'loan_payment' as kind,
        flows.source_id,
        'Loan payment, ' || flows.source_id as what,
        sum(flows.amount) as amount
    from metrics.forecast_flows as flows
    inner join windows using (entity_id, month)
    where flows.flow_kind in ('loan principal', 'loan interest')
        and flows.flow_date > windows.month_end
        and flows.flow_date <= windows.window_end
    group by flows.entity_id, flows.month, flows.flow_date, flows.source_id
),

certificates as (
    select
        health.entity_id,
        health.month,
        health.tls_expires_on as due_on,
        'certificate_expiry' as kind,
        health.component as source_id,
        'TLS certificate of ' || health.component || ' expires' as what,
        null::decimal(18, 2) as amount
    from metrics.stack_health as health
    inner join windows using (entity_id, month)
    where health.tls_expires_on > windows.month_end
        and health.tls_expires_on <= windows.window_end
),

milestones as (
    select
        milestones.entity_id,
        milestones.month,
        milestones.milestone_due as due_on,
        'milestone_due' as kind,
        milestones.milestone_id as source_id,
        'Milestone: ' || milestones.milestone as what,
        null::decimal(18, 2) as amount
    from metrics.milestone_status as milestones
    inner join portfolio_windows using (month)
    where not milestones.milestone_done
        and milestones.milestone_due > portfolio_windows.month_end
        and milestones.milestone_due <= portfolio_windows.window_end
),

events as (
    select * from invoices
    union all
    select * from bookings
    union all
    select * from rolling_rent
    union all
    select * from loans
    union all
    select * from certificates
    union all
    select * from milestones
)

select
    entity_id,
    month,
    due_on as upcoming_on,
    kind as upcoming_kind,
    source_id as upcoming_source,
    what as upcoming_event,
    amount::decimal(18, 2) as upcoming_amount
from events
order by month, upcoming_on, entity_id, upcoming_kind, upcoming_source
