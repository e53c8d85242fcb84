-- metrics.asset_inventory: what each entity owns at the end of each month of its series, one row
-- per entity, month, asset category and asset status: how many assets, what they cost and what
-- they are worth on the books.
-- owner: ceo
-- grain: entity_id, month, asset_category, asset_status
with assets as (
    select
        entity_id,
        asset_id,
        category,
        status,
        acquired_on,
        cost,
        book_value
    from raw.assets
),

-- An asset counts from the month it was acquired in. One without an acquisition date has been
-- held as long as the file knows: it counts in every month of the series. Status and book value
-- are the file's own snapshot (assets.csv is a current list), so they are not dated.
held as (
    select
        months.entity_id,
        months.month,
        assets.category,
        assets.status,
        assets.cost,
        assets.book_value
    from metrics.entity_months as months
    inner join assets
        on assets.entity_id = months.entity_id
        and (assets.acquired_on is null or assets.acquired_on <= months.month_end)
)

select
    entity_id,
    month,
    category as asset_category,
    status as asset_status,
    count(*) as asset_count,
    sum(cost)::decimal(18, 2) as asset_cost,
    -- an empty book value is unknown, not zero: the sum is of the known ones, and
    -- asset_unvalued_count says how many are left out of it
    sum(book_value)::decimal(18, 2) as asset_book_value,
    count(*) filter (where book_value is null) as asset_unvalued_count
from held
group by entity_id, month, category, status
order by entity_id, month, asset_category, asset_status
