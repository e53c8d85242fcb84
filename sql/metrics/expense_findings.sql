-- metrics.expense_findings: the expense flags as findings, one row per flag and report month in
-- which it is under review: the month of its transaction and the months after it, up to the
-- configured review window (config.parameters.review_months).
-- owner: accounting
with flags as (
    select
        flags.*,
        -- the last month the flag is under review: after it, it expires (not "resolved")
        (flags.month + to_months(parameters.review_months - 1))::date as open_until
    from metrics.expense_flags as flags
    cross join config.parameters as parameters
),

severity as (
    select
        *,
        case rule
            when 'duplicate' then 'high'
            when 'unmapped_account' then 'medium'
            else 'low'
        end as severity,
        case rule
            when 'duplicate' then 'Possible duplicate payment'
            when 'weekend' then 'Weekend spending'
            when 'round_amount' then 'One-off round amount'
            when 'unmapped_account' then 'Account not in the chart'
            else rule
        end as label
    from flags
)

select
    months.month,
    severity.entity_id,
    'F-' || upper(left(md5('expense|' || severity.entity_id || '|' || severity.rule || '|'
        || severity.txn_id), 8)) as finding_id,
    'expense' as source,
    severity.rule,
    severity.severity,
    severity.label || ': ' || coalesce(severity.counterparty, 'no counterparty') || ', '
        || strftime(severity.date, '%Y-%m-%d') as title,
    severity.detail || ' (txn ' || severity.txn_id || ')' as detail,
    -severity.amount as amount,
    severity.open_until
from severity
inner join metrics.entity_months as months
    on months.entity_id = severity.entity_id
    and months.month between severity.month and severity.open_until
order by months.month, severity.entity_id, finding_id
