-- What the ledger already holds for one report, month and recipient, newest first.
select content_sha256, edition, status, message_id, attempts, created_at
from delivery.messages
where report = $report and period = $period and recipient = $recipient
order by edition desc, created_at desc
