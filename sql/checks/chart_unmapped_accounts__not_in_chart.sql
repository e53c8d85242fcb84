-- Every code listed as unmapped is really missing from the chart, and its lines to date add up to
-- the ledger's: each row here is a code in the chart, or a count or total that disagrees.
with ledger_to_date as (
    select
        unmapped.entity_id,
        unmapped.account_code,
        unmapped.month,
        count(ledger.txn_id) as lines,
        coalesce(sum(ledger.amount), 0) as net
    from metrics.chart_unmapped_accounts as unmapped
    inner join metrics.entity_months as months using (entity_id, month)
    left join raw.ledger as ledger
        on ledger.entity_id = unmapped.entity_id
        and ledger.account_code = unmapped.account_code
        and ledger.date <= months.month_end
    group by unmapped.entity_id, unmapped.account_code, unmapped.month
)

select
    unmapped.entity_id,
    unmapped.account_code,
    unmapped.month,
    unmapped.lines_to_date,
    ledger_to_date.lines as ledger_lines,
    unmapped.net_to_date,
    ledger_to_date.net as ledger_net,
    accounts.code is not null as in_chart
from metrics.chart_unmapped_accounts as unmapped
inner join ledger_to_date using (entity_id, account_code, month)
left join raw.chart_of_accounts as accounts on accounts.code = unmapped.account_code
where accounts.code is not null
    or unmapped.lines_to_date <> ledger_to_date.lines
    or unmapped.net_to_date <> ledger_to_date.net
order by unmapped.entity_id, unmapped.account_code, unmapped.month
