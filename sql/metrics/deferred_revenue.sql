-- metrics.deferred_revenue: cash received for confirmed bookings whose service is still to come,
-- at each month end of the entity's series.
-- owner: accounting
-- grain: entity_id, month
with paid_bookings as (
    -- cancelled and refunded bookings owe no service, and unpaid ones brought no cash
    select
        entity_id,
        amount,
        paid_on,
        service_date
    from raw.bookings
    where status = 'confirmed'
        and paid_on is not null
),

-- A booking is deferred at a month end once its cash is in and while its service is after it;
-- service on the last day itself counts as delivered within the month.
deferred as (
    select
        months.entity_id,
        months.month,
        sum(bookings.amount) as deferred_balance
    from metrics.entity_months as months
    inner join paid_bookings as bookings
        on bookings.entity_id = months.entity_id
        and bookings.paid_on <= months.month_end
        and bookings.service_date > months.month_end
    group by months.entity_id, months.month
)

-- every month of the series, with 0 when nothing is deferred (or the entity has no bookings)
select
    months.entity_id,
    months.month,
    coalesce(deferred.deferred_balance, 0)::decimal(18, 2) as deferred_balance
from metrics.entity_months as months
left join deferred using (entity_id, month)
order by months.entity_id, months.month
