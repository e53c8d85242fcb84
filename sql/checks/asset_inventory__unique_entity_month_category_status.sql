-- metrics.asset_inventory has one row per entity, month, asset category and status: each row
-- here is a combination that repeats.
select
    entity_id,
    month,
    asset_category,
    asset_status,
    count(*) as row_count
from metrics.asset_inventory
group by entity_id, month, asset_category, asset_status
having count(*) > 1
order by entity_id, month, asset_category, asset_status
