-- A TLS status is empty exactly when there is no expiry date, and "expired" exactly when the date
-- is before the month's end: each row here is a component month whose status says otherwise.
select
    entity_id,
    month,
    component,
    tls_expires_on,
    tls_days_left,
    tls_status
from metrics.stack_health
where (tls_status is null) <> (tls_expires_on is null)
    or tls_status not in ('expired', 'expiring', 'valid')
    or (tls_status = 'expired') <> (tls_expires_on < last_day(month))
order by entity_id, month, component
