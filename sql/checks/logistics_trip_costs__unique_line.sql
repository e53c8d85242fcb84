-- A ledger line is charged to at most one trip: each row here is a line counted twice.
select
    entity_id,
    txn_id,
    count(*) as row_count
from metrics.logistics_trip_costs
group by entity_id, txn_id
having count(*) > 1
order by entity_id, txn_id
