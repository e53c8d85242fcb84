-- metrics.chart_findings: chart-of-accounts issues as findings, one row per finding and month in
-- which it is open: account codes missing from the chart (open until the chart or the lines are
-- fixed) and accounts used against their type (under review for the configured months).
-- owner: accounting
-- grain: month, finding_id
-- Imported lines no mapping rule matched carry the uncategorized code (missing from the chart on
-- purpose, decision 26): their fix is a rule in the entity's rules file, not a chart row.
with uncategorized as (
    select
        unmapped.entity_id,
        unmapped.account_code,
        unmapped.month,
        count(*) as lines,
        min(lines.rules_file) as rules_file
    from metrics.chart_unmapped_accounts as unmapped
    inner join metrics.uncategorized_lines as lines
        on lines.entity_id = unmapped.entity_id
        and lines.account_code = unmapped.account_code
        and lines.month <= unmapped.month
    group by unmapped.entity_id, unmapped.account_code, unmapped.month
),

unmapped as (
    select
        unmapped.month,
        unmapped.entity_id,
        'unmapped_code' as rule,
        unmapped.account_code as finding_key,
        'high' as severity,
        'Account ' || unmapped.account_code || ' is not in the chart' as title,
        case
            when uncategorized.lines = unmapped.lines_to_date
                then 'Imported lines no mapping rule matched: add rules for them to '
                    || uncategorized.rules_file || '. Until then '
            when uncategorized.lines > 0
                then 'Add it to chart_of_accounts.csv or recode its lines, and add rules for the '
                    || uncategorized.lines || ' imported one(s) to ' || uncategorized.rules_file
                    || '. Until then '
            when unmapped.in_quarantine
                then 'Its row in chart_of_accounts.csv is held in quarantine (see the notes on '
                    || 'the data): fix that row. Until then '
            else 'Add it to chart_of_accounts.csv or recode its lines. Until then '
        end || unmapped.lines_to_date || ' line(s) since '
            || strftime(unmapped.first_used_on, '%Y-%m-%d') || ', net '
            || format('{:,.2f}', unmapped.net_to_date)
            || ', count in cash but in no profit-and-loss line' as detail,
        abs(unmapped.net_to_date) as amount,
        null::date as open_until
    from metrics.chart_unmapped_accounts as unmapped
    left join uncategorized using (entity_id, account_code, month)
),

-- A month's misuse is a fact about that month: like an expense flag, it is reviewed in that month
-- and the months after it, review_months in all, then expires.
misused as (
    select
        months.month,
        misused.entity_id,
        case misused.account_type
            when 'revenue' then 'money_out_on_revenue'
            else 'money_in_on_cost'
        end as rule,
        misused.account_code || '|' || strftime(misused.month, '%Y-%m') as finding_key,
        'medium' as severity,
        case misused.account_type
            when 'revenue' then 'Money out on revenue account '
            else 'Money in on ' || misused.account_type || ' account '
        end || misused.account_code || ' ' || misused.account_name || ', '
            || strftime(misused.month, '%Y-%m') as title,
        misused.account_code || ' ' || misused.account_name || ' (' || misused.account_type
            || ') took in ' || format('{:,.2f}', misused.money_in) || ' and paid out '
            || format('{:,.2f}', misused.money_out) || ' in ' || strftime(misused.month, '%Y-%m')
            || case misused.account_type
                when 'revenue'
                    then ': more went out than came in; check for costs or refunds of other '
                        || 'months booked here'
                else ': more came in than went out; check for income booked as a cost'
            end as detail,
        abs(misused.month_net) as amount,
        (misused.month + to_months(parameters.review_months - 1))::date as open_until
    from metrics.chart_misused_accounts as misused
    cross join config.parameters as parameters
    inner join metrics.entity_months as months
        on months.entity_id = misused.entity_id
        and months.month between misused.month
        and misused.month + to_months(parameters.review_months - 1)
),

issues as (
    select * from unmapped
    union all by name
    select * from misused
)

select
    month,
    entity_id,
    'F-' || upper(left(md5('chart|' || entity_id || '|' || rule || '|' || finding_key), 8))
        as finding_id,
    'chart' as source,
    rule,
    severity,
    title,
    detail,
    amount::decimal(18, 2) as amount,
    open_until
from issues
order by month, entity_id, finding_id
