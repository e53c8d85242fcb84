-- Ledger rows in the given statuses ($statuses), for one month or all ($period may be NULL).
select report, period, recipient, content_sha256, edition, correction, subject, envelope,
    status, message_id, attempts, error, created_at, updated_at, sent_at
from delivery.messages
where status in (select unnest($statuses::varchar[]))
    and ($period is null or period = $period)
order by period, report, recipient, edition
