-- Every channel an entity reports appears in every month of that entity's series, and no other
-- month: each row here is an entity, month and channel that is missing or out of the series.
with expected as (
    select
        months.entity_id,
        months.month,
        channels.channel
    from metrics.entity_months as months
    inner join (select distinct entity_id, channel from raw.channels) as channels
        using (entity_id)
),

found as (
    select entity_id, month, channel
    from metrics.channel_matrix
)

select
    coalesce(expected.entity_id, found.entity_id) as entity_id,
    coalesce(expected.month, found.month) as month,
    coalesce(expected.channel, found.channel) as channel,
    case when found.entity_id is null then 'missing' else 'unexpected' end as problem
from expected
full outer join found using (entity_id, month, channel)
where expected.entity_id is null or found.entity_id is null
order by entity_id, month, channel
