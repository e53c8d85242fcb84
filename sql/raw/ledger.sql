-- raw.ledger: every cash movement that met the input contract, signed from the bank's view
-- (+ money in, - money out).
select
    -- where it came from
    entity_id,
    source_file,
    line,
    -- the movement
    txn_id,
    as_date(date) as date,
    account_code,
    as_money(amount) as amount,
    description,
    counterparty
from stage
anti join load_quarantine using (source_file, line, part)
-- a later copy of an imported row (ingest/duplicates.sql)
anti join load_duplicates using (source_file, line, part)
order by entity_id, source_file, line, part
