-- metrics.receivables_monthly has one row per entity and month: any entity month listed here
-- repeats.
select
    entity_id,
    month,
    count(*) as row_count
from metrics.receivables_monthly
group by entity_id, month
having count(*) > 1
order by entity_id, month
