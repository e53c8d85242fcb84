-- The asset inventory of one report month ($month): one row per entity, asset category and
-- status (metrics.asset_inventory), with the entity's name. The entities worth most on the books
-- come first, and within each its most valuable categories.
with inventory as (
    select *
    from metrics.asset_inventory
    where month = $month
),

entity_totals as (
    select
        entity_id,
        sum(asset_book_value) as entity_book_value
    from inventory
    group by entity_id
)

select
    inventory.entity_id,
    entities.name,
    inventory.asset_category,
    inventory.asset_status,
    inventory.asset_count,
    inventory.asset_cost,
    inventory.asset_book_value,
    inventory.asset_unvalued_count
from inventory
inner join config.entities as entities using (entity_id)
inner join entity_totals using (entity_id)
order by
    entity_totals.entity_book_value desc nulls last,
    entities.name,
    inventory.asset_book_value desc nulls last,
    inventory.asset_category,
    inventory.asset_status
