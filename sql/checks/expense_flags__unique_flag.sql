-- A line gets each rule at most once: each row here is a line flagged twice for the same rule.
select
    entity_id,
    txn_id,
    rule,
    count(*) as row_count
from metrics.expense_flags
group by entity_id, txn_id, rule
having count(*) > 1
order by entity_id, txn_id, rule
