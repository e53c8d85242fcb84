-- metrics.invoice_findings: overdue invoices as findings, one row per invoice and month at whose
-- end it is past due with money still owed; it stays open until paid. Besides the standard
-- finding columns it names its client and invoice_id (see docs/metrics.md, "Findings").
-- owner: ceo
with overdue as (
    select *
    from metrics.receivables_invoices
    where days_past_due > 0
),

-- The longer an invoice goes unpaid the less likely it is ever paid: the severity climbs with
-- the aging bucket, so the same finding can grow more urgent from one month to the next.
severity as (
    select
        *,
        case aging_bucket
            when 'over 90' then 'critical'
            when '61-90' then 'high'
            when '31-60' then 'medium'
            else 'low'
        end as severity
    from overdue
)

select
    month,
    entity_id,
    'F-' || upper(left(md5('invoice|' || entity_id || '|overdue|' || invoice_id), 8)) as finding_id,
    'invoice' as source,
    'overdue' as rule,
    severity,
    'Overdue invoice ' || invoice_id || ': ' || client as title,
    format('{:,.2f}', open_balance) || ' of ' || format('{:,.2f}', invoice_amount) || ' open, due '
        || strftime(due_on, '%Y-%m-%d') || ', ' || days_past_due || ' days past due at month end'
        as detail,
    open_balance as amount,
    null::date as open_until,
    -- what the finding is about, so that an action can name (and group by) the client
    client,
    invoice_id
from severity
order by month, entity_id, finding_id
