-- The next days and the cash forecast tell one story: an event's amount is what the forecast's
-- flows of the same source on the same day add up to (none: no amount), and a loan payment is the
-- payment of metrics.loan_payments. Each row here is an event whose amount says otherwise.
with forecast as (
    select
        entity_id,
        month,
        source_id,
        flow_date,
        sum(amount) as forecast_amount
    from metrics.forecast_flows
    where flow_kind not in ('recurring payment', 'owner draw')
    group by entity_id, month, source_id, flow_date
)

select
    upcoming.entity_id,
    upcoming.month,
    upcoming.upcoming_on,
    upcoming.upcoming_kind,
    upcoming.upcoming_source,
    upcoming.upcoming_amount,
    forecast.forecast_amount,
    -loans.payment as loan_payment
from metrics.upcoming as upcoming
left join forecast
    on forecast.entity_id = upcoming.entity_id
    and forecast.month = upcoming.month
    and forecast.source_id = upcoming.upcoming_source
    and forecast.flow_date = upcoming.upcoming_on
left join metrics.loan_payments as loans
    on upcoming.upcoming_kind = 'loan_payment'
    and loans.entity_id = upcoming.entity_id
    and loans.month = upcoming.month
    and loans.lender = upcoming.upcoming_source
where upcoming.upcoming_amount is distinct from forecast.forecast_amount
    or (
        upcoming.upcoming_kind = 'loan_payment'
        and upcoming.upcoming_amount is distinct from -loans.payment
    )
order by all
