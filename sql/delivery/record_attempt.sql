-- What a send (or a resend) came to: its status, the message id the service gave, the attempts
-- it took (added to those before) and the error.
update delivery.messages
set
    status = $status,
    message_id = $message_id,
    attempts = attempts + $attempts,
    error = $error,
    updated_at = $now,
    sent_at = case when $status = 'sent' then $now else sent_at end
where report = $report
    and period = $period
    and recipient = $recipient
    and content_sha256 = $content_sha256
