-- The operator checked that a pending or unknown message arrived: it is sent.
update delivery.messages
set
    status = 'sent',
    sent_at = $now,
    updated_at = $now,
    error = coalesce(error || '; ', '') || 'marked sent by the operator'
where report = $report
    and period = $period
    and recipient = $recipient
    and content_sha256 = $content_sha256
    and status in ('pending', 'unknown')
