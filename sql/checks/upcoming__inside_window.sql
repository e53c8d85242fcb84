-- Every event lies in the two calendar months after its report month (after the month's last
-- day, up to the last day of the month after next) and is of a known kind: each row here is an
-- event outside its window or of another kind.
select
    entity_id,
    month,
    upcoming_on,
    upcoming_kind,
    upcoming_source
from metrics.upcoming
where upcoming_on is null
    or upcoming_on <= last_day(month)
    or upcoming_on > last_day(month + interval 2 month)
    or upcoming_kind is null
    or upcoming_kind not in (
        'invoice_due', 'rent_due', 'loan_payment', 'departure', 'booking', 'certificate_expiry',
        'milestone_due'
    )
order by entity_id, month, upcoming_on, upcoming_kind, upcoming_source
