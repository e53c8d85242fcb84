-- metrics.revenue_events: what each booking and invoice brought in and earned, and when: each
-- payment and refund line, its service, issue or cancellation, each with the cash it moved and
-- the revenue it recognized on the accrual basis (docs/decisions.md #33, #47).
-- owner: accounting
-- grain: entity_id, item_type, item_id, event, txn_id
--
-- A booking is a charter, a delivery trip or a month of rent (bookings.csv); an invoice is a
-- project or a retainer (invoices.csv). Its cash is the bank lines tied to it
-- (metrics.revenue_cash_lines), each on its date for its amount, so a deposit and a balance are
-- two payments. The export says when the item was paid in full (`paid_on`) and how much
-- (`amount`, or `paid_amount`): cash it says was in by then that no line shows is a payment on
-- file, which the bank does not have, so the revenue bridge shows it.
with bookings as (
    select
        entity_id,
        'booking' as item_type,
        booking_id as item_id,
        line,
        status,
        service_date as earned_on,
        amount,
        paid_on,
        case when paid_on is not null then amount end as paid_on_file
    from raw.bookings
),

-- An invoice of 0.00 records unbilled hours and earns nothing. An invoice is earned when issued
-- and behaves as a confirmed booking served that day.
invoices as (
    select
        entity_id,
        'invoice' as item_type,
        invoice_id as item_id,
        line,
        'confirmed' as status,
        issued_on as earned_on,
        amount,
        paid_on,
        case when paid_on is not null then coalesce(paid_amount, amount) end as paid_on_file
    from raw.invoices
    where amount > 0
),

items as (
    select * from bookings
    union all
    select * from invoices
),

-- The lines tied to one item only. A line naming several items cannot be split by the bank: its
-- items' payments are what the exports say (payments on file), and the bridge checks the sum.
tied_lines as (
    select
        lines.entity_id,
        lines.item_type,
        lines.item_id,
        lines.txn_id,
        lines.date,
        ledger.line,
        lines.amount
    from metrics.revenue_cash_lines as lines
    inner join metrics.ledger_lines as ledger using (entity_id, txn_id)
    where lines.item_id is not null
        and lines.items_named = 1
),

-- Money in, in order, with the export's statement as one more step on its paid_on (after the
-- day's lines): the item's cash to date is the larger of the lines to date and what the export
-- says was paid by then. A line the export's payment already counted adds nothing; a payment on
-- file that no line shows adds what the lines lack.
payment_steps as (
    select entity_id, item_type, item_id, txn_id, date, 0 as step_kind, line, amount, 0 as on_file
    from tied_lines
    where amount > 0
    union all
    select entity_id, item_type, item_id, null, paid_on, 1, 0, 0, paid_on_file
    from items
    where paid_on is not null
),

payments_to_date as (
    select
        *,
        greatest(
            sum(amount) over steps,
            max(on_file) over steps
        ) as paid_to_date
    from payment_steps
    window steps as (
        partition by entity_id, item_type, item_id
        order by date, step_kind, line
        rows between unbounded preceding and current row
    )
),

payments as (
    select
        entity_id,
        item_type,
        item_id,
        case when txn_id is null then 'payment on file' else 'payment' end as event,
        date as event_date,
        paid_to_date - coalesce(
            lag(paid_to_date) over (
                partition by entity_id, item_type, item_id order by date, step_kind, line
            ),
            0
        ) as cash_moved,
        txn_id,
        step_kind,
        line
    from payments_to_date
),

-- Money out: each refund line, with the credit the customer had before it (cash in beyond the
-- item's amount, net of earlier refunds), which it gives back first.
refund_lines as (
    select
        lines.*,
        items.status,
        items.amount as item_amount,
        row_number() over later_first as nth_from_last,
        sum(-lines.amount) over all_refunds as refunded_in_all
    from tied_lines as lines
    inner join items using (entity_id, item_type, item_id)
    where lines.amount < 0
    window
        later_first as (
            partition by lines.entity_id, lines.item_type, lines.item_id
            order by lines.date desc, lines.line desc
        ),
        all_refunds as (partition by lines.entity_id, lines.item_type, lines.item_id)
),

refunds as (
    select
        refund_lines.*,
        coalesce((
            select sum(payments.cash_moved)
            from payments
            where payments.entity_id = refund_lines.entity_id
                and payments.item_type = refund_lines.item_type
                and payments.item_id = refund_lines.item_id
                and payments.event_date <= refund_lines.date
        ), 0) as paid_by_then,
        coalesce((
            select sum(-earlier.amount)
            from refund_lines as earlier
            where earlier.entity_id = refund_lines.entity_id
                and earlier.item_type = refund_lines.item_type
                and earlier.item_id = refund_lines.item_id
                and (earlier.date, earlier.line) < (refund_lines.date, refund_lines.line)
        ), 0) as refunded_before
    from refund_lines
),

-- What a refund earns. On a confirmed booking or an invoice: what it gives back beyond the
-- customer's credit takes revenue back. On a cancelled or refunded booking: the last refund line
-- settles the cancellation, and what the customer paid and did not get back (a fee) is earned then.
refund_events as (
    select
        entity_id,
        item_type,
        item_id,
        'refund' as event,
        date as event_date,
        amount as cash_moved,
        case
            when status = 'confirmed'
                then -(
                    -amount
                    - least(-amount, greatest(paid_by_then - refunded_before - item_amount, 0))
                )
            when nth_from_last = 1 then paid_by_then - refunded_in_all
            else 0
        end as revenue_earned,
        txn_id
    from refunds
),

-- A cancelled booking with money kept and no refund line: bookings.csv does not date the
-- cancellation, so what was paid by its service date is earned then, by which the service is
-- off at the latest. A booking marked refunded without a refund line owes its money back:
-- nothing is earned, and the money stays in deferred revenue until the refund is in the ledger.
cancellations as (
    select
        items.entity_id,
        items.item_type,
        items.item_id,
        'cancellation' as event,
        items.earned_on as event_date,
        0 as cash_moved,
        sum(payments.cash_moved) as revenue_earned,
        null as txn_id
    from items
    inner join payments
        on payments.entity_id = items.entity_id
        and payments.item_type = items.item_type
        and payments.item_id = items.item_id
        and payments.event_date <= items.earned_on
    where items.status = 'cancelled'
        and not exists (
            select 1
            from refund_lines
            where refund_lines.entity_id = items.entity_id
                and refund_lines.item_type = items.item_type
                and refund_lines.item_id = items.item_id
        )
    group by all
    having sum(payments.cash_moved) <> 0
),

events as (
    select
        entity_id, item_type, item_id, event, event_date, cash_moved, 0 as revenue_earned, txn_id
    from payments
    where cash_moved <> 0

    union all

    -- a confirmed charter, trip or lease month is earned on its service date (a lease month's is
    -- the first day of the month its rent is due), an invoice on its issue date
    select
        entity_id,
        item_type,
        item_id,
        case item_type when 'invoice' then 'issue' else 'service' end,
        earned_on,
        0,
        amount,
        null
    from items
    where status = 'confirmed'

    union all

    select * from refund_events

    union all

    select * from cancellations
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
    -- the ledger line of a payment or a refund
    txn_id::varchar as txn_id
from events
order by entity_id, event_date, item_type, item_id, event, txn_id
