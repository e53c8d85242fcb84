-- metrics.revenue_events: what each booking and invoice brought in and earned, and when: its
-- payment, service, issue, refund or cancellation, each with the cash it moved and the revenue
-- it recognized on the accrual basis (docs/decisions.md #33).
-- owner: accounting
-- grain: entity_id, item_type, item_id, event
--
-- A booking is a charter, a delivery trip or a month of rent (bookings.csv); an invoice is a
-- project or a retainer (invoices.csv). Their cash is what the export says was paid and when
-- (`paid_on`), except a refund, which bookings.csv does not date: its ledger line does. The
-- revenue bridge then shows any payment the bank does not have, or has at another date or for
-- another amount.
with bookings as (
    select
        bookings.entity_id,
        bookings.booking_id,
        bookings.status,
        bookings.service_date,
        bookings.amount,
        bookings.paid_on,
        matched.refund_txn_id,
        matched.refund_date,
        matched.refunded_amount
    from raw.bookings as bookings
    left join metrics.revenue_recognition_bookings as matched using (entity_id, booking_id)
),

booking_events as (
    -- the money comes in on the day the booking was paid
    select
        entity_id,
        booking_id as item_id,
        'payment' as event,
        paid_on as event_date,
        amount as cash_moved,
        0 as revenue_earned,
        null as txn_id
    from bookings
    where paid_on is not null

    union all

    -- a confirmed charter, trip or lease month is earned on its service date (a lease month's is
    -- the first day of the month its rent is due)
    select entity_id, booking_id, 'service', service_date, 0, amount, null
    from bookings
    where status = 'confirmed'

    union all

    -- A refund gives money back on its ledger line's date. On a confirmed booking it takes
    -- revenue back then; on a cancelled or refunded one it settles the cancellation then, and
    -- what the customer does not get back (a cancellation fee) is earned then.
    select
        entity_id,
        booking_id,
        'refund',
        refund_date,
        -refunded_amount,
        case when status = 'confirmed' then -refunded_amount else amount - refunded_amount end,
        refund_txn_id
    from bookings
    where refund_txn_id is not null

    union all

    -- A cancelled booking paid and not refunded keeps its money: bookings.csv does not date the
    -- cancellation, so it is earned on the service date, by which the service is off at the
    -- latest. A booking marked refunded without a refund line owes its money back: nothing is
    -- earned, and the money stays in deferred revenue until the refund is in the ledger.
    select entity_id, booking_id, 'cancellation', service_date, 0, amount, null
    from bookings
    where status = 'cancelled'
        and paid_on is not null
        and refund_txn_id is null
),

-- An invoice is earned when it is issued: invoices.csv has no service period, so a retainer
-- billed on the first of the month it covers is earned in that month. An invoice of 0.00
-- records unbilled hours and earns nothing.
invoices as (
    select
        entity_id,
        invoice_id,
        issued_on,
        amount,
        paid_on,
        coalesce(paid_amount, amount) as paid_amount
    from raw.invoices
    where amount > 0
),

invoice_events as (
    select
        entity_id,
        invoice_id as item_id,
        'issue' as event,
        issued_on as event_date,
        0 as cash_moved,
        amount as revenue_earned,
        null as txn_id
    from invoices

    union all

    select entity_id, invoice_id, 'payment', paid_on, paid_amount, 0, null
    from invoices
    where paid_on is not null
),

events as (
    select 'booking' as item_type, * from booking_events
    union all
    select 'invoice' as item_type, * from invoice_events
)

select
    entity_id,
    item_type,
    item_id,
    event,
    event_date,
    date_trunc('month', event_date)::date as month,
    cash_moved::decimal(18, 2) as cash_moved,
    revenue_earned::decimal(18, 2) as revenue_earned,
    -- the ledger line of a refund
    txn_id::varchar as txn_id
from events
order by entity_id, event_date, item_type, item_id, event
