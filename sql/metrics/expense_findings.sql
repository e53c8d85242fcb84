-- metrics.expense_findings: the expense audit as findings, one row per finding and report month in
-- which it is under review: each expense flag and each spending outlier is reviewed in its own
-- month and the months after it, up to the configured review window
-- (config.parameters.review_months), then expires.
-- owner: accounting
-- grain: month, finding_id
-- A line on a code missing from the chart is not an expense finding: the code is a chart finding
-- of its own (metrics.chart_findings), open until the chart or the lines are fixed. As an expense
-- finding too it was counted twice among the open findings, and its count ("Accounts not in the
-- chart: 0 open") contradicted the chart's once its review window had passed.
with flags as (
    select
        flags.*,
        -- the last month the flag is under review: after it, it expires (not "resolved")
        (flags.month + to_months(parameters.review_months - 1))::date as open_until
    from metrics.expense_flags as flags
    cross join config.parameters as parameters
    where flags.rule <> 'unmapped_account'
),

severity as (
    select
        *,
        case rule
            when 'duplicate' then 'high'
            else 'low'
        end as severity,
        case rule
            when 'duplicate' then 'Possible duplicate payment'
            when 'weekend' then 'Weekend spending'
            when 'round_amount' then 'One-off round amount'
            else rule
        end as label
    from flags
),

flag_findings as (
    select
        entity_id,
        month,
        'F-' || upper(left(md5('expense|' || entity_id || '|' || rule || '|' || txn_id), 8))
            as finding_id,
        rule,
        severity,
        label || ': ' || coalesce(counterparty, 'no counterparty') || ', '
            || strftime(date, '%Y-%m-%d') as title,
        -- the line's own txn first: a duplicate's detail names the earlier txn too
        'txn ' || txn_id || ': ' || detail as detail,
        -amount as amount,
        open_until
    from severity
),

-- A month's spend on an account far above its usual level: one finding per account and month,
-- the money at stake being the spend above the usual (median) level.
outlier_findings as (
    select
        outliers.entity_id,
        outliers.month,
        'F-' || upper(left(md5('expense|' || outliers.entity_id || '|outlier|'
            || outliers.account_code || '|' || strftime(outliers.month, '%Y-%m')), 8))
            as finding_id,
        'outlier' as rule,
        'medium' as severity,
        'Unusual spending: ' || outliers.account_code || ' ' || outliers.account_name || ', '
            || strftime(outliers.month, '%Y-%m') as title,
        format('{:,.2f}', outliers.account_spend) || ' spent on ' || outliers.account_code || ' '
            || outliers.account_name || ' in ' || strftime(outliers.month, '%Y-%m') || ', '
            || format('{:.2f}', outliers.outlier_ratio) || ' times its median month of '
            || format('{:,.2f}', outliers.median_spend) || ' over the previous '
            || outliers.history_months || ' month(s) with spending' as detail,
        outliers.account_spend - outliers.median_spend as amount,
        (outliers.month + to_months(parameters.review_months - 1))::date as open_until
    from metrics.expense_outliers as outliers
    cross join config.parameters as parameters
),

findings as (
    select * from flag_findings
    union all by name
    select * from outlier_findings
)

select
    months.month,
    findings.entity_id,
    findings.finding_id,
    'expense' as source,
    findings.rule,
    findings.severity,
    findings.title,
    findings.detail,
    findings.amount::decimal(18, 2) as amount,
    findings.open_until
from findings
inner join metrics.entity_months as months
    on months.entity_id = findings.entity_id
    and months.month between findings.month and findings.open_until
order by months.month, findings.entity_id, findings.finding_id
