-- metrics.channel_matrix: one row per entity, month of its series and marketing channel the
-- entity reports in channels.csv: listed or not, spend, leads, bookings, revenue, cost per
-- booking and return on spend.
-- owner: cmo
-- grain: entity_id, month, channel
with entity_channels as (
    -- every channel an entity has ever reported: a month without a row for it still gets one
    -- (not listed, zeros), so "not listed" is the same whether the row says no or is missing
    select distinct entity_id, channel
    from raw.channels
),

grid as (
    select
        months.entity_id,
        months.month,
        entity_channels.channel
    from metrics.entity_months as months
    inner join entity_channels using (entity_id)
),

-- raw.channels already reads an empty spend, leads, bookings or revenue cell as 0; the key
-- (entity, month, channel) is unique there (a repeated row is quarantined at ingest)
filled as (
    select
        grid.entity_id,
        grid.month,
        grid.channel,
        coalesce(reported.listed, false) as listed,
        coalesce(reported.spend, 0)::decimal(18, 2) as spend,
        coalesce(reported.leads, 0)::bigint as leads,
        coalesce(reported.bookings, 0)::bigint as bookings,
        coalesce(reported.revenue, 0)::decimal(18, 2) as channel_revenue
    from grid
    left join raw.channels as reported using (entity_id, month, channel)
)

select
    entity_id,
    month,
    channel,
    listed,
    spend,
    leads,
    bookings,
    channel_revenue,
    -- DuckDB divides decimals in floating point: the cost is taken in whole cents and rounded
    -- half away from zero, so it stays an exact amount. No bookings, no cost per booking.
    case
        when bookings > 0
            then (sign(spend)
                * ((abs(spend * 100)::hugeint * 2 + bookings) // (bookings * 2))
                * 0.01)::decimal(18, 2)
    end as cost_per_booking,
    -- a ratio (revenue - spend) / spend: 0 means the channel brought back exactly what it cost;
    -- it means nothing for a channel that cost nothing
    case
        when spend > 0 then ((channel_revenue - spend) / spend)::double
    end as return_on_spend
from filled
order by entity_id, month, channel
