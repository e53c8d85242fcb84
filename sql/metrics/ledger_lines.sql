-- metrics.ledger_lines: every ledger line with its month and its account as the chart of accounts
-- describes it (name, type, behavior), once for every relation that reads lines by account.
-- owner: accounting
-- grain: entity_id, txn_id
--
-- A code missing from the chart keeps its line, with an empty account name, type and behavior:
-- the line is in cash and must stay visible (metrics.chart_unmapped_accounts), while every
-- relation that asks for a type (revenue, cogs, expense...) leaves it out. The chart's type is
-- required by the input contract, so an empty type means exactly "not in the chart".
select
    -- the line
    ledger.entity_id,
    ledger.line,
    ledger.txn_id,
    ledger.date,
    date_trunc('month', ledger.date)::date as month,
    -- its account
    ledger.account_code,
    accounts.name as account_name,
    accounts.type as account_type,
    accounts.behavior as account_behavior,
    -- the movement, signed from the bank's view (+ money in, - money out)
    ledger.amount,
    ledger.description,
    ledger.counterparty
from raw.ledger as ledger
left join raw.chart_of_accounts as accounts on ledger.account_code = accounts.code
-- no `order by`: no reader depends on the order, and sorting every line of a large ledger would
-- cost more than building the table
