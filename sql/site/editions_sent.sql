-- Every edition of every report that went out (sent, or possibly sent: pending or unknown), one
-- row per report, month and content, in the order they first went out (the first is edition 1),
-- with the figures the send ledger keeps (delivery.editions) and the bytes of one
-- message that carried it (its charts are in it). The archive's earlier editions.
with delivered as (
    select
        messages.report,
        messages.period,
        messages.content_sha256,
        min(coalesce(messages.sent_at, messages.created_at)) as first_sent,
        -- every recipient got the same HTML and charts: the first address's message will do
        arg_min(messages.raw, messages.recipient) as raw
    from delivery.messages as messages
    where messages.status in ('sent', 'unknown', 'pending')
    group by messages.report, messages.period, messages.content_sha256
)

select
    delivered.report as name,
    delivered.period,
    delivered.content_sha256,
    delivered.first_sent,
    editions.figures,
    delivered.raw
from delivered
-- a message without an edition (the Preliminary alert) is not a report
inner join delivery.editions as editions using (report, period, content_sha256)
order by delivered.period, delivered.report, delivered.first_sent, delivered.content_sha256
