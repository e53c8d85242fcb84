-- metrics.revenue_recognition_findings: revenue-recognition issues as findings, one row per
-- finding and month end at which it is open: cash for future services sitting in revenue (one
-- finding per entity) and cancelled or refunded bookings whose money was not given back (one per
-- booking).
-- owner: accounting
-- grain: month, finding_id
with prepaid as (
    -- one finding per entity: the fix is the same month-end entry, whatever the bookings
    select
        monthly.month,
        monthly.entity_id,
        'prepaid_in_revenue' as rule,
        monthly.entity_id as finding_key,
        'medium' as severity,
        'Prepayments booked as revenue' as title,
        monthly.prepaid_bookings || ' booking(s) paid by ' || strftime(months.month_end, '%Y-%m-%d')
            || ' for services after that date are in revenue ('
            || format('{:,.2f}', monthly.prepaid_in_revenue)
            || '): move them to deferred revenue until the service is delivered' as detail,
        monthly.prepaid_in_revenue as amount
    from metrics.revenue_recognition_monthly as monthly
    inner join metrics.entity_months as months using (entity_id, month)
    where monthly.prepaid_bookings > 0
),

-- The bookings export has no cancellation date, so a cancelled or refunded booking is open from
-- the month its cash came in until the month of its refund line.
unreturned as (
    select
        months.month,
        bookings.entity_id,
        case bookings.booking_status
            when 'refunded' then 'refund_not_in_ledger'
            else 'cancelled_not_refunded'
        end as rule,
        bookings.booking_id as finding_key,
        case bookings.booking_status when 'refunded' then 'high' else 'medium' end as severity,
        case bookings.booking_status
            when 'refunded' then 'Refund missing from the ledger: '
            else 'Cancelled booking, money kept: '
        end || bookings.booking_id as title,
        bookings.booking_id || ' (service ' || strftime(bookings.service_date, '%Y-%m-%d')
            || ') was paid ' || format('{:,.2f}', bookings.booking_amount) || ' on '
            || strftime(bookings.paid_on, '%Y-%m-%d')
            || case bookings.booking_status
                when 'refunded'
                    then ' and is marked refunded, but no refund line is in the ledger by '
                        || strftime(months.month_end, '%Y-%m-%d')
                        || ': record the refund or correct the status'
                else ' and cancelled, with no refund line by '
                    || strftime(months.month_end, '%Y-%m-%d')
                    || ': refund it or record the amount kept as a cancellation fee'
            end as detail,
        bookings.booking_amount as amount
    from metrics.revenue_recognition_bookings as bookings
    inner join metrics.entity_months as months
        on bookings.entity_id = months.entity_id
        and bookings.paid_on <= months.month_end
        and (bookings.refund_date is null or bookings.refund_date > months.month_end)
    where bookings.booking_status in ('cancelled', 'refunded')
),

issues as (
    select * from prepaid
    union all by name
    select * from unreturned
)

select
    month,
    entity_id,
    'F-' || upper(left(md5('revenue_recognition|' || entity_id || '|' || rule || '|'
        || finding_key), 8)) as finding_id,
    'revenue_recognition' as source,
    rule,
    severity,
    title,
    detail,
    amount::decimal(18, 2) as amount,
    -- open until fixed: neither kind ages out
    null::date as open_until
from issues
order by month, entity_id, finding_id
