-- Every listed account nets against its type that month (money in on a cost account, money out
-- on a revenue account), and its money in minus money out is its net: each row here does not.
select
    entity_id,
    month,
    account_code,
    account_type,
    money_in,
    money_out,
    month_net
from metrics.chart_misused_accounts
where not (
    (account_type in ('cogs', 'expense') and month_net > 0)
    or (account_type = 'revenue' and month_net < 0)
)
    or money_in - money_out <> month_net
order by entity_id, month, account_code
