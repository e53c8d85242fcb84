-- metrics.revenue_recognition_bookings: every paid booking with the ledger lines behind it: the
-- first revenue line that brought its cash in and the first that gave money back, when they are
-- found, and what all the lines naming it brought in and gave back (a deposit and a balance, a
-- refund in parts).
-- owner: accounting
-- grain: entity_id, booking_id
with revenue_lines as (
    -- Only revenue accounts: cash for a future service booked to a liability account is already
    -- deferred, which is right, so it is not looked for here.
    select
        entity_id,
        line,
        txn_id,
        date,
        amount,
        description
    from metrics.ledger_lines
    where account_type = 'revenue'
        and amount <> 0
),

paid_bookings as (
    select
        entity_id,
        line,
        booking_id,
        status,
        service_date,
        paid_on,
        amount
    from raw.bookings
    where paid_on is not null
),

-- A description names a booking when one of its words is the booking id: words are split at
-- white space and lose the punctuation around them, so "Charter JADA-B0001: full-day sail"
-- names JADA-B0001. Joining words to ids keeps this a hash join, not a scan of every pair.
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

-- Any booking of the entity counts as named, paid or not: such a line is never matched on date
-- and amount to another booking.
named as (
    select
        words.entity_id,
        words.txn_id,
        bookings.booking_id
    from words
    inner join raw.bookings as bookings
        on words.entity_id = bookings.entity_id
        and words.word = bookings.booking_id
),

-- The earliest money-in line that names a paid booking is its payment; a booking paid in
-- instalments (a deposit, then the balance) has several, all counted in paid_in_bank.
payments_by_id as (
    select
        named.entity_id,
        named.booking_id,
        lines.txn_id,
        lines.date,
        count(*) over booking as payment_lines,
        sum(lines.amount) over booking as paid_in_bank
    from named
    inner join revenue_lines as lines using (entity_id, txn_id)
    where lines.amount > 0
    window booking as (partition by named.entity_id, named.booking_id)
    qualify row_number() over (
        partition by named.entity_id, named.booking_id
        order by lines.date, lines.line
    ) = 1
),

-- Lines that name no booking are matched on the day the booking was paid and its amount, one line
-- to one booking: the n-th such line of a day and amount pays the n-th such booking, in file
-- order, so two equal payments on one day never both pay the same booking.
unnamed_lines as (
    select
        lines.*,
        row_number() over (
            partition by lines.entity_id, lines.date, lines.amount order by lines.line
        ) as nth
    from revenue_lines as lines
    where lines.amount > 0
        and not exists (
            select 1
            from named
            where named.entity_id = lines.entity_id and named.txn_id = lines.txn_id
        )
),

bookings_without_named_payment as (
    select
        bookings.*,
        row_number() over (
            partition by bookings.entity_id, bookings.paid_on, bookings.amount
            order by bookings.line
        ) as nth
    from paid_bookings as bookings
    where not exists (
        select 1
        from payments_by_id as paid
        where paid.entity_id = bookings.entity_id and paid.booking_id = bookings.booking_id
    )
),

payments_by_date_and_amount as (
    select
        bookings.entity_id,
        bookings.booking_id,
        lines.txn_id,
        lines.date,
        1 as payment_lines,
        lines.amount as paid_in_bank
    from bookings_without_named_payment as bookings
    inner join unnamed_lines as lines
        on bookings.entity_id = lines.entity_id
        and bookings.paid_on = lines.date
        and bookings.amount = lines.amount
        and bookings.nth = lines.nth
),

-- Refunds: money-out lines on a revenue account. The earliest one naming the booking is its
-- refund line, whatever its amount (a partial refund keeps a cancellation fee); every one naming
-- it counts in refunded_amount (a refund given back in parts).
refunds_by_id as (
    select
        named.entity_id,
        named.booking_id,
        lines.txn_id,
        lines.date,
        count(*) over booking as refund_lines,
        sum(-lines.amount) over booking as refunded_amount
    from named
    inner join revenue_lines as lines using (entity_id, txn_id)
    where lines.amount < 0
    window booking as (partition by named.entity_id, named.booking_id)
    qualify row_number() over (
        partition by named.entity_id, named.booking_id
        order by lines.date, lines.line
    ) = 1
),

-- A refund line that names no booking is matched on the amount alone, one line to one
-- cancelled or refunded booking, in date order, and never before the booking was paid.
unnamed_refunds as (
    select
        lines.*,
        row_number() over (
            partition by lines.entity_id, lines.amount order by lines.date, lines.line
        ) as nth
    from revenue_lines as lines
    where lines.amount < 0
        and not exists (
            select 1
            from named
            where named.entity_id = lines.entity_id and named.txn_id = lines.txn_id
        )
),

bookings_without_named_refund as (
    select
        bookings.*,
        row_number() over (
            partition by bookings.entity_id, bookings.amount
            order by bookings.paid_on, bookings.line
        ) as nth
    from paid_bookings as bookings
    where bookings.status in ('cancelled', 'refunded')
        and not exists (
            select 1
            from refunds_by_id as refunded
            where refunded.entity_id = bookings.entity_id
                and refunded.booking_id = bookings.booking_id
        )
),

refunds_by_amount as (
    select
        bookings.entity_id,
        bookings.booking_id,
        lines.txn_id,
        lines.date,
        1 as refund_lines,
        -lines.amount as refunded_amount
    from bookings_without_named_refund as bookings
    inner join unnamed_refunds as lines
        on bookings.entity_id = lines.entity_id
        and bookings.amount = -lines.amount
        and bookings.nth = lines.nth
        and lines.date >= bookings.paid_on
),

payments as (
    select *, 'booking id' as payment_match from payments_by_id
    union all
    select *, 'date and amount' as payment_match from payments_by_date_and_amount
),

refunds as (
    select *, 'booking id' as refund_match from refunds_by_id
    union all
    select *, 'amount' as refund_match from refunds_by_amount
)

select
    bookings.entity_id,
    bookings.booking_id,
    bookings.status as booking_status,
    bookings.service_date,
    bookings.paid_on,
    bookings.amount as booking_amount,
    payments.txn_id as payment_txn_id,
    payments.date as payment_date,
    payments.payment_match,
    coalesce(payments.payment_lines, 0)::integer as payment_lines,
    coalesce(payments.paid_in_bank, 0)::decimal(18, 2) as paid_in_bank,
    refunds.txn_id as refund_txn_id,
    refunds.date as refund_date,
    refunds.refunded_amount::decimal(18, 2) as refunded_amount,
    refunds.refund_match,
    coalesce(refunds.refund_lines, 0)::integer as refund_lines
from paid_bookings as bookings
left join payments using (entity_id, booking_id)
left join refunds using (entity_id, booking_id)
order by bookings.entity_id, bookings.booking_id
