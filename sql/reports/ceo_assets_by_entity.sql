-- The asset inventory of one report month ($month) per entity that has assets, and the
-- portfolio total (the row with is_total): how many assets, their cost, their book value, book
-- value as a share of cost, and how many are still held (status active). Most valuable first.
with inventory as (
    select *
    from metrics.asset_inventory
    where month = $month
),

grouped as (
    select
        grouping(inventory.entity_id) = 1 as is_total,
        inventory.entity_id,
        any_value(entities.name) as name,
        sum(inventory.asset_count) as asset_count,
        sum(inventory.asset_count) filter (
            where inventory.asset_status = 'active'
        ) as active_count,
        sum(inventory.asset_cost)::decimal(18, 2) as asset_cost,
        sum(inventory.asset_book_value)::decimal(18, 2) as asset_book_value,
        sum(inventory.asset_unvalued_count) as asset_unvalued_count
    from inventory
    inner join config.entities as entities using (entity_id)
    group by grouping sets ((inventory.entity_id), ())
)

select
    *,
    -- what is left on the books of what was paid: low means old or written-down assets
    case when asset_cost > 0 then asset_book_value / asset_cost end::double as book_value_ratio
from grouped
-- the total row of an empty inventory is all empty: leave it out
where asset_count is not null
order by is_total, asset_book_value desc nulls last, name
