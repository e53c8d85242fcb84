-- Every flag names one of the documented rules (docs/metrics.md): each row here does not.
select
    entity_id,
    txn_id,
    rule,
    detail
from metrics.expense_flags
where rule is null
    or rule not in ('duplicate', 'weekend', 'round_amount', 'unmapped_account')
order by entity_id, txn_id
