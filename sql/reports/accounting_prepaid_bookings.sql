-- The bookings behind the prepayments in revenue at the end of the report month ($month):
-- confirmed, their payment line on a revenue account dated by the month end, their service after
-- it. The $limit largest, with how many there are in all (bookings).
select
    bookings.entity_id,
    entities.name,
    bookings.booking_id,
    bookings.payment_txn_id,
    bookings.payment_date,
    bookings.service_date,
    bookings.booking_amount,
    bookings.payment_match,
    count(*) over () as bookings
from metrics.revenue_recognition_bookings as bookings
inner join metrics.entity_months as months
    on months.entity_id = bookings.entity_id and months.month = $month
inner join config.entities as entities on entities.entity_id = bookings.entity_id
where bookings.booking_status = 'confirmed'
    and bookings.payment_date <= months.month_end
    and bookings.service_date > months.month_end
qualify row_number() over (
    order by bookings.booking_amount desc, bookings.service_date, entities.name, bookings.booking_id
) <= $limit
order by bookings.booking_amount desc, bookings.service_date, entities.name, bookings.booking_id
