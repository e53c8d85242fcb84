-- metrics.revenue_recognition_monthly: revenue recognition at each month end of the entity's
-- series: cash for services still to come that sits in revenue, and cash of cancelled or
-- refunded bookings that was never given back.
-- owner: accounting
-- grain: entity_id, month
-- series: every
with bookings_by_month_end as (
    -- every paid booking against every month end from the month its cash came in
    select
        months.entity_id,
        months.month,
        months.month_end,
        bookings.booking_status,
        bookings.booking_amount,
        bookings.service_date,
        bookings.paid_on,
        bookings.payment_date,
        bookings.refund_date
    from metrics.entity_months as months
    inner join metrics.revenue_recognition_bookings as bookings
        on months.entity_id = bookings.entity_id
        and least(bookings.paid_on, bookings.payment_date) <= months.month_end
),

-- Prepaid in revenue: a confirmed booking whose payment line on a revenue account is dated on or
-- before the month end while its service is after it (a service on the last day counts as
-- delivered, as in metrics.deferred_revenue). Not returned: a cancelled or refunded booking paid
-- on or before the month end with no refund line dated on or before it.
classified as (
    select
        *,
        booking_status = 'confirmed'
            and payment_date <= month_end
            and service_date > month_end as is_prepaid_in_revenue,
        booking_status in ('cancelled', 'refunded')
            and paid_on <= month_end
            and (refund_date is null or refund_date > month_end) as is_unreturned
    from bookings_by_month_end
),

totals as (
    select
        entity_id,
        month,
        sum(booking_amount) filter (where is_prepaid_in_revenue) as prepaid_in_revenue,
        count(*) filter (where is_prepaid_in_revenue) as prepaid_bookings,
        sum(booking_amount) filter (where is_unreturned) as unreturned_cash,
        count(*) filter (where is_unreturned) as unreturned_bookings
    from classified
    group by entity_id, month
)

-- every month of the series, at 0 when nothing is found (or the entity has no bookings)
select
    months.entity_id,
    months.month,
    coalesce(totals.prepaid_in_revenue, 0)::decimal(18, 2) as prepaid_in_revenue,
    coalesce(totals.prepaid_bookings, 0)::integer as prepaid_bookings,
    coalesce(totals.unreturned_cash, 0)::decimal(18, 2) as unreturned_cash,
    coalesce(totals.unreturned_bookings, 0)::integer as unreturned_bookings
from metrics.entity_months as months
left join totals using (entity_id, month)
order by months.entity_id, months.month
