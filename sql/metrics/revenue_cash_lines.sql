-- metrics.revenue_cash_lines: every ledger line on a revenue account with the booking or invoice
-- it belongs to, when one is found: lines of an operational item are counted through the item
-- in metrics.revenue, the others are revenue when the cash is received.
-- owner: accounting
-- grain: entity_id, txn_id
with revenue_lines as (
    select
        entity_id,
        line,
        txn_id,
        date,
        month,
        account_code,
        amount,
        description
    from metrics.ledger_lines
    where account_type = 'revenue'
        and amount <> 0
),

-- A description names an item when one of its words is a booking or invoice id, words split at
-- white space without the punctuation around them, as in metrics.revenue_recognition_bookings
-- ("Payment DC-2026-044", "Rent R3028-A-2026-10, Zelle ...").
words as (
    select distinct
        entity_id,
        txn_id,
        trim(word, '.,;:()[]"''') as word
    from (
        select
            entity_id,
            txn_id,
            unnest(string_split_regex(description, '\s+')) as word
        from revenue_lines
        where description is not null
    )
),

items as (
    select entity_id, 'booking' as item_type, booking_id as item_id from raw.bookings
    union all
    select entity_id, 'invoice' as item_type, invoice_id as item_id from raw.invoices
),

-- A line naming an item belongs to it whether or not the item says it was paid: a payment the
-- export does not record is then a difference the revenue bridge shows, not revenue counted
-- twice. A line naming several items is the first one's, in sort order, for the listing; it is
-- counted through all of them.
named as (
    select
        words.entity_id,
        words.txn_id,
        min(items.item_type) as item_type,
        min(items.item_id) as item_id,
        count(*) as items_named
    from words
    inner join items
        on words.entity_id = items.entity_id
        and words.word = items.item_id
    group by words.entity_id, words.txn_id
),

-- The lines metrics.revenue_recognition_bookings found for a booking on its date and amount (a
-- payment) or its amount (a refund), naming none.
bookings_by_fallback as (
    select entity_id, payment_txn_id as txn_id, booking_id as item_id, payment_match as tied_by
    from metrics.revenue_recognition_bookings
    where payment_match = 'date and amount'
    union all
    select entity_id, refund_txn_id, booking_id, refund_match
    from metrics.revenue_recognition_bookings
    where refund_match = 'amount'
),

-- A money-in line naming nothing pays an invoice paid that day for that amount (a payment date
-- without an amount is a payment in full, as in metrics.receivables_invoices): the n-th such line
-- of a day and amount pays the n-th such invoice, in file order.
unnamed_money_in as (
    select
        lines.*,
        row_number() over (
            partition by lines.entity_id, lines.date, lines.amount order by lines.line
        ) as nth
    from revenue_lines as lines
    anti join named using (entity_id, txn_id)
    anti join bookings_by_fallback using (entity_id, txn_id)
    where lines.amount > 0
),

paid_invoices_unnamed as (
    select
        invoices.entity_id,
        invoices.invoice_id,
        invoices.paid_on,
        coalesce(invoices.paid_amount, invoices.amount) as paid_amount,
        row_number() over (
            partition by
                invoices.entity_id, invoices.paid_on, coalesce(invoices.paid_amount, invoices.amount)
            order by invoices.line
        ) as nth
    from raw.invoices as invoices
    where invoices.amount > 0
        and invoices.paid_on is not null
        and not exists (
            select 1
            from words
            where words.entity_id = invoices.entity_id and words.word = invoices.invoice_id
        )
),

invoices_by_fallback as (
    select
        lines.entity_id,
        lines.txn_id,
        invoices.invoice_id as item_id,
        'date and amount' as tied_by
    from paid_invoices_unnamed as invoices
    inner join unnamed_money_in as lines
        on invoices.entity_id = lines.entity_id
        and invoices.paid_on = lines.date
        and invoices.paid_amount = lines.amount
        and invoices.nth = lines.nth
),

ties as (
    select entity_id, txn_id, item_type, item_id, 'names it' as tied_by, items_named from named
    union all
    select entity_id, txn_id, 'booking', item_id, tied_by, 1
    from bookings_by_fallback
    anti join named using (entity_id, txn_id)
    union all
    select entity_id, txn_id, 'invoice', item_id, tied_by, 1 from invoices_by_fallback
)

select
    -- the line
    lines.entity_id,
    lines.txn_id,
    lines.date,
    lines.month,
    lines.account_code,
    lines.amount,
    lines.description,
    -- what it belongs to; empty: revenue when received
    ties.item_type,
    ties.item_id,
    ties.tied_by,
    coalesce(ties.items_named, 0) as items_named
from revenue_lines as lines
left join ties using (entity_id, txn_id)
order by lines.entity_id, lines.date, lines.txn_id
