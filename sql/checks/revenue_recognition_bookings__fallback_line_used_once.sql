-- A ledger line that names no booking, matched on date and amount (a payment) or on the amount
-- (a refund), belongs to one booking only: each row here is such a line claimed by several. A line
-- naming several bookings may pay or refund them all.
with fallback_lines as (
    select entity_id, payment_txn_id as txn_id, booking_id
    from metrics.revenue_recognition_bookings
    where payment_match = 'date and amount'
    union all
    select entity_id, refund_txn_id, booking_id
    from metrics.revenue_recognition_bookings
    where refund_match = 'amount'
)

select
    entity_id,
    txn_id,
    count(*) as bookings,
    string_agg(booking_id, ', ' order by booking_id) as booking_ids
from fallback_lines
group by entity_id, txn_id
having count(*) > 1
order by entity_id, txn_id
