-- metrics.chart_misused_accounts: accounts used against their type in a month, one row per
-- entity, month and account whose lines that month net the wrong way: money in on a cost of goods
-- sold or expense account, money out on a revenue account.
-- owner: accounting
-- grain: entity_id, month, account_code
with account_months as (
    select
        ledger.entity_id,
        date_trunc('month', ledger.date)::date as month,
        ledger.account_code,
        accounts.name as account_name,
        accounts.type as account_type,
        count(*) as month_lines,
        coalesce(sum(ledger.amount) filter (where ledger.amount > 0), 0) as money_in,
        coalesce(-sum(ledger.amount) filter (where ledger.amount < 0), 0) as money_out,
        sum(ledger.amount) as month_net
    from raw.ledger as ledger
    inner join raw.chart_of_accounts as accounts on ledger.account_code = accounts.code
    where accounts.type in ('revenue', 'cogs', 'expense')
    group by all
)

-- The month's net, not single lines: a vendor's credit note on a cost account or a customer's
-- refund on a revenue account is normal as long as the account still nets its own way.
select
    entity_id,
    month,
    account_code,
    account_name,
    account_type,
    month_lines::integer as month_lines,
    money_in::decimal(18, 2) as money_in,
    money_out::decimal(18, 2) as money_out,
    month_net::decimal(18, 2) as month_net
from account_months
where (account_type in ('cogs', 'expense') and month_net > 0)
    or (account_type = 'revenue' and month_net < 0)
order by entity_id, month, account_code
