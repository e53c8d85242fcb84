-- raw.bookings: customer bookings that met the input contract.
select
    -- where it came from
    entity_id,
    source_file,
    line,
    -- the booking
    booking_id,
    channel,
    as_date(booked_on) as booked_on,
    as_date(service_date) as service_date,
    as_money(amount) as amount,
    as_date(paid_on) as paid_on,
    as_choice(status) as status,
    as_decimal(quantity) as quantity
from stage
anti join load_quarantine using (source_file, line, part)
order by entity_id, line
