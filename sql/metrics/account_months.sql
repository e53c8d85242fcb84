-- metrics.account_months: each entity's ledger by month and account code: the account's type and
-- behavior from the chart, the money in and out and the month's net, the figures the profit and
-- loss, burn, break-even and the accounting checks add up.
-- owner: accounting
-- grain: entity_id, month, account_code
--
-- Every line counts, whatever its account: a code missing from the chart has its rows with an
-- empty name, type and behavior (as in metrics.ledger_lines), so the rows of an entity month add
-- up to all its lines, which is its cash movement. Only months with lines have rows.
select
    entity_id,
    month,
    account_code,
    -- one account per code: the chart's code is its key
    any_value(account_name) as account_name,
    any_value(account_type) as account_type,
    any_value(account_behavior) as account_behavior,
    count(*)::integer as month_lines,
    coalesce(sum(amount) filter (where amount > 0), 0)::decimal(18, 2) as money_in,
    coalesce(-sum(amount) filter (where amount < 0), 0)::decimal(18, 2) as money_out,
    sum(amount)::decimal(18, 2) as month_net
from metrics.ledger_lines
group by entity_id, month, account_code
order by entity_id, month, account_code
