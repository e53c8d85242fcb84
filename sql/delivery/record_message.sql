-- One message of the send ledger, as it is about to be sent (pending), refused before sending
-- (failed) or not to be sent (unchanged): written, or rewritten for a message tried again.
insert or replace into delivery.messages (
    report, period, recipient, content_sha256, edition, correction, subject, envelope, status,
    message_id, attempts, error, raw, created_at, updated_at, sent_at
)
values (
    $report, $period, $recipient, $content_sha256, $edition, $correction, $subject, $envelope,
    $status, $message_id, $attempts, $error, $raw, $created_at, $updated_at, $sent_at
)
