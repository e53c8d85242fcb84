-- The bank paid a booking or invoice more than its export says was paid: every row is tolerated
-- and counted, never failed. The bank's lines are the item's payments (docs/decisions.md #47), so
-- the revenue bridge closes on them; what this counts is an export behind the bank (a booking
-- paid in full with no paid_on, an invoice paid with none) or a customer's credit (paid more
-- than the item's amount, held in deferred revenue until it is refunded). The opposite, an
-- export saying paid what the bank does not have, fails the bridge_closes check of
-- metrics.revenue instead.
with paid_in_bank as (
    select
        entity_id,
        item_type,
        item_id,
        sum(cash_moved) filter (where event = 'payment') as paid_in_bank
    from metrics.revenue_events
    group by entity_id, item_type, item_id
),

on_file as (
    select
        entity_id,
        'booking' as item_type,
        booking_id as item_id,
        amount,
        paid_on,
        -- a booking without paid_on may hold a deposit, not its whole amount
        case when paid_on is null then amount - 0.01 else amount end as paid_on_file
    from raw.bookings
    union all
    select
        entity_id,
        'invoice',
        invoice_id,
        amount,
        paid_on,
        case when paid_on is null then 0 else coalesce(paid_amount, amount) end
    from raw.invoices
)

select
    on_file.entity_id,
    on_file.item_type,
    on_file.item_id,
    on_file.amount,
    on_file.paid_on,
    paid_in_bank.paid_in_bank::decimal(18, 2) as paid_in_bank,
    case
        when on_file.paid_on is null then 'paid in the bank, not on file'
        when paid_in_bank.paid_in_bank > on_file.amount then 'paid more than its amount'
        else 'paid more than on file'
    end as what,
    false as fails
from on_file
inner join paid_in_bank using (entity_id, item_type, item_id)
where paid_in_bank.paid_in_bank > on_file.paid_on_file
order by on_file.entity_id, on_file.item_type, on_file.item_id
