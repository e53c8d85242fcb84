-- Each invoice past due with money owed at a month end is exactly one finding of that month:
-- each row here is an overdue invoice without its finding, or a finding without its invoice or
-- listed twice.
with expected as (
    select
        entity_id,
        month,
        'F-' || upper(left(md5('invoice|' || entity_id || '|overdue|' || invoice_id), 8))
            as finding_id
    from metrics.receivables_invoices
    where days_past_due > 0
),

actual as (
    select
        entity_id,
        month,
        finding_id,
        count(*) as row_count
    from metrics.invoice_findings
    group by entity_id, month, finding_id
)

select
    coalesce(expected.entity_id, actual.entity_id) as entity_id,
    coalesce(expected.month, actual.month) as month,
    coalesce(expected.finding_id, actual.finding_id) as finding_id,
    coalesce(actual.row_count, 0) as row_count
from expected
full outer join actual using (entity_id, month, finding_id)
where expected.finding_id is null
    or coalesce(actual.row_count, 0) <> 1
order by entity_id, month, finding_id
