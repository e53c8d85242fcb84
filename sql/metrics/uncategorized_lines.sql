-- metrics.uncategorized_lines: imported ledger lines (a bank statement's, a bank export's) that no
-- account mapping rule matched, one row per line: they carry the uncategorized account
-- (accounting.uncategorized_account), count in cash and in no profit-and-loss line until a rule in
-- the entity's rules file (`rules_file`) gives them an account.
-- owner: accounting
-- grain: entity_id, txn_id
select
    ledger.entity_id,
    date_trunc('month', ledger.date)::date as month,
    ledger.date,
    ledger.txn_id,
    ledger.amount,
    ledger.description,
    ledger.counterparty,
    ledger.account_code,
    ledger.source_file,
    ledger.line,
    categories.rules_file
from raw.ledger as ledger
inner join ingest.ledger_categories as categories
    on categories.entity_id = ledger.entity_id
    and categories.source_file = ledger.source_file
    and categories.line = ledger.line
    and categories.txn_id = ledger.txn_id
where categories.rule_number is null
order by ledger.entity_id, ledger.date, ledger.source_file, ledger.line
