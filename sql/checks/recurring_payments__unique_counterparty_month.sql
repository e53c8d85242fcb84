-- metrics.recurring_payments has one row per entity, month and counterparty: each row here
-- repeats.
select
    entity_id,
    month,
    counterparty,
    count(*) as row_count
from metrics.recurring_payments
group by entity_id, month, counterparty
having count(*) > 1
order by entity_id, month, counterparty
