-- What the CMO report says about each configured entity for one report month ($month): whether
-- it has channel data, the channels it is not listed on, the channel that sold the most, and
-- the first OTA to add. One row per configured entity: those with channel data first, by
-- channel revenue.
with month_rows as (
    select *
    from metrics.channel_matrix
    where month = $month
),

channel_totals as (
    select entity_id, sum(channel_revenue) as channel_revenue
    from month_rows
    group by entity_id
),

not_listed as (
    select
        entity_id,
        string_agg(channel, ', ' order by channel) as not_listed_on
    from month_rows
    where not listed
    group by entity_id
),

-- the channel with the most revenue that month (ties: more bookings, then the name)
top_channel as (
    select
        entity_id,
        channel as top_channel,
        channel_revenue as top_channel_revenue
    from month_rows
    where channel_revenue > 0
    qualify row_number() over (
        partition by entity_id order by channel_revenue desc, bookings desc, channel
    ) = 1
),

next_ota as (
    select
        entity_id,
        max(ota) filter (where ota_rank = 1) as next_ota,
        count(*) as otas_to_add
    from metrics.ota_sequence
    where month = $month
    group by entity_id
),

has_file as (
    select distinct entity_id
    from raw.channels
),

in_series as (
    select entity_id
    from metrics.entity_months
    where month = $month
)

select
    entities.entity_id,
    entities.name,
    entities.kind,
    has_file.entity_id is not null as has_channels,
    in_series.entity_id is not null as in_series,
    not_listed.not_listed_on,
    top_channel.top_channel,
    top_channel.top_channel_revenue,
    next_ota.next_ota,
    coalesce(next_ota.otas_to_add, 0) as otas_to_add
from config.entities as entities
left join has_file using (entity_id)
left join in_series using (entity_id)
left join not_listed using (entity_id)
left join top_channel using (entity_id)
left join next_ota using (entity_id)
left join channel_totals using (entity_id)
order by channel_totals.channel_revenue desc nulls last, entities.name
