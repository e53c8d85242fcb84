-- metrics.chart_misused_accounts: accounts used against their type in a month, one row per
-- entity, month and account whose lines that month net the wrong way: money in on a cost of goods
-- sold or expense account, money out on a revenue account.
-- owner: accounting
-- grain: entity_id, month, account_code

-- The month's net, not single lines: a vendor's credit note on a cost account or a customer's
-- refund on a revenue account is normal as long as the account still nets its own way.
select
    entity_id,
    month,
    account_code,
    account_name,
    account_type,
    month_lines,
    money_in,
    money_out,
    month_net
from metrics.account_months
where (account_type in ('cogs', 'expense') and month_net > 0)
    or (account_type = 'revenue' and month_net < 0)
order by entity_id, month, account_code
