-- The ledger's cash equals the bank statement's closing balance on every statement date.
-- Each row here is a date on which they differ: a line missing from the ledger, or one too many
-- (difference = statement balance - ledger cash).
select
    entity_id,
    statement_date,
    statement_balance,
    ledger_cash,
    difference
from metrics.balance_reconciliation
where difference is distinct from 0
order by entity_id, statement_date
