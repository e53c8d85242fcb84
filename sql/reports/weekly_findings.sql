-- The critical and high findings new in the ISO week from $monday to $sunday (the weekly flash).
-- Findings are monthly (metrics.finding_status): a finding is new in the week when it is new in
-- its month and its first evidence falls in the week. An overdue invoice's first evidence is the
-- day after its due date (not before its month's first day); a finding without a date of its own
-- (an expense flag, a stack finding, an unknown account) is made from the month's data, so its
-- first evidence is its month's last day (docs/decisions.md, the weekly flash).
with dated as (
    select
        status.*,
        case
            when findings.invoice_id is not null and invoices.due_on is not null
                then greatest(invoices.due_on + 1, status.month)
            else last_day(status.month)
        end as first_evidence_on
    from metrics.finding_status as status
    left join metrics.findings as findings
        on findings.month = status.month and findings.finding_id = status.finding_id
    left join raw.invoices as invoices
        on invoices.entity_id = findings.entity_id and invoices.invoice_id = findings.invoice_id
    where status.status = 'new'
        and status.severity in ('critical', 'high')
        and status.month between date_trunc('month', $monday::date) and $sunday::date
)

select finding_id, entity_id, source, rule, severity, title, detail, amount, status,
    first_evidence_on
from dated
where first_evidence_on between $monday::date and $sunday::date
order by finding_id
