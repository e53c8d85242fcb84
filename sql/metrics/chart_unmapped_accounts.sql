-- metrics.chart_unmapped_accounts: ledger account codes missing from the chart of accounts, one
-- row per entity, code and month of the entity's series from the month of the code's first line
-- on: that month's lines and the lines to date.
-- owner: accounting
-- grain: entity_id, account_code, month
with unmapped_lines as (
    -- a code the chart does not have (no type): its lines are in cash but in no profit-and-loss
    -- line
    select
        entity_id,
        month,
        date,
        account_code,
        amount
    from metrics.ledger_lines
    where account_type is null
),

by_month as (
    select
        entity_id,
        account_code,
        month,
        count(*) as month_lines,
        sum(amount) as month_net
    from unmapped_lines
    group by entity_id, account_code, month
),

codes as (
    select
        entity_id,
        account_code,
        min(date) as first_used_on
    from unmapped_lines
    group by entity_id, account_code
),

-- A chart row that broke the input contract (a cost account without its behavior, say) is in
-- quarantine, not in the chart: its code then looks unmapped, and the fix is that row.
quarantined_codes as (
    select distinct json_extract_string(record, '$.code') as account_code
    from quarantine.rows
    where table_name = 'chart_of_accounts'
        and record is not null
),

-- every month from the first line on: the code stays wrong after its last line, until the chart
-- is fixed
series as (
    select
        months.entity_id,
        months.month,
        codes.account_code,
        codes.first_used_on,
        coalesce(by_month.month_lines, 0) as month_lines,
        coalesce(by_month.month_net, 0) as month_net
    from codes
    inner join metrics.entity_months as months
        on codes.entity_id = months.entity_id
        and months.month >= date_trunc('month', codes.first_used_on)
    left join by_month
        on by_month.entity_id = codes.entity_id
        and by_month.account_code = codes.account_code
        and by_month.month = months.month
)

select
    series.entity_id,
    series.month,
    series.account_code,
    series.month_lines::integer as month_lines,
    series.month_net::decimal(18, 2) as month_net,
    sum(series.month_lines) over to_date::integer as lines_to_date,
    sum(series.month_net) over to_date::decimal(18, 2) as net_to_date,
    series.first_used_on,
    quarantined_codes.account_code is not null as in_quarantine
from series
left join quarantined_codes using (account_code)
window to_date as (
    partition by series.entity_id, series.account_code
    order by series.month
    rows between unbounded preceding and current row
)
order by series.entity_id, series.account_code, series.month
