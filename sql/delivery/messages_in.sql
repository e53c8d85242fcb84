-- The messages in the given statuses ($statuses), of one month, report and recipient or of all
-- ($period, $report, $recipient may be NULL), with the exact bytes they were sent as.
select report, period, recipient, content_sha256, edition, correction, envelope, raw
from delivery.messages
where status in (select unnest($statuses::varchar[]))
    and ($period is null or period = $period)
    and ($report is null or report = $report)
    and ($recipient is null or recipient = $recipient)
order by period, report, recipient
