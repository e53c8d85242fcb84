-- metrics.revenue_recognition_bookings has one row per paid booking: each row here is a booking
-- listed twice (a payment or refund matched twice would do that).
select
    entity_id,
    booking_id,
    count(*) as row_count
from metrics.revenue_recognition_bookings
group by entity_id, booking_id
having count(*) > 1
order by entity_id, booking_id
