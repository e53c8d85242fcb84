-- metrics.client_accounts has one row per entity, month and client: each row here repeats.
select
    entity_id,
    month,
    client,
    count(*) as row_count
from metrics.client_accounts
group by entity_id, month, client
having count(*) > 1
order by entity_id, month, client
