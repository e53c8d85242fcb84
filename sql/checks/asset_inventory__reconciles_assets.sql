-- At the end of each entity's last month every asset of assets.csv acquired by then (or without
-- an acquisition date) is counted once, at its cost: each row here is an entity whose count or
-- cost in metrics.asset_inventory differs from the file's.
with last_months as (
    select
        entity_id,
        max(month) as month,
        max(month_end) as month_end
    from metrics.entity_months
    group by entity_id
),

expected as (
    select
        last_months.entity_id,
        last_months.month,
        count(*) as asset_count,
        sum(assets.cost) as asset_cost
    from last_months
    inner join raw.assets as assets
        on assets.entity_id = last_months.entity_id
        and (assets.acquired_on is null or assets.acquired_on <= last_months.month_end)
    group by last_months.entity_id, last_months.month
),

-- the inventory of the same months, all categories and statuses together
inventory as (
    select
        inventory.entity_id,
        inventory.month,
        sum(inventory.asset_count) as asset_count,
        sum(inventory.asset_cost) as asset_cost
    from metrics.asset_inventory as inventory
    inner join last_months using (entity_id, month)
    group by inventory.entity_id, inventory.month
)

select
    coalesce(expected.entity_id, inventory.entity_id) as entity_id,
    coalesce(expected.month, inventory.month) as month,
    expected.asset_count as expected_count,
    inventory.asset_count,
    expected.asset_cost as expected_cost,
    inventory.asset_cost
from expected
full outer join inventory using (entity_id, month)
where expected.asset_count is distinct from inventory.asset_count
    or expected.asset_cost is distinct from inventory.asset_cost
order by entity_id
