-- The figures of the edition a recipient got before (the newest one sent, or possibly sent), to
-- say what changed in a correction.
select editions.figures
from delivery.messages as messages
inner join delivery.editions as editions using (report, period, content_sha256)
where messages.report = $report
    and messages.period = $period
    and messages.recipient = $recipient
    and messages.content_sha256 <> $content_sha256
    and messages.status in ('sent', 'unknown', 'pending')
order by messages.edition desc
limit 1
