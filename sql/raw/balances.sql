-- raw.balances: the bank statement's closing balance of each entity on a date.
select
    -- where it came from
    entity_id,
    source_file,
    line,
    -- the statement
    as_date(date) as date,
    as_money(balance) as balance
from stage
anti join load_quarantine using (source_file, line, part)
order by entity_id, line
