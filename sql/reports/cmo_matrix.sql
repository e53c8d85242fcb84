-- The channel visibility matrix for one report month ($month): one row per entity and channel,
-- each entity's channels by revenue, then bookings, then listed first.
select
    matrix.entity_id,
    entities.name,
    matrix.channel,
    matrix.listed,
    matrix.spend,
    matrix.leads,
    matrix.bookings,
    matrix.channel_revenue,
    matrix.cost_per_booking,
    matrix.return_on_spend
from metrics.channel_matrix as matrix
inner join config.entities as entities using (entity_id)
where matrix.month = $month
order by
    entities.name,
    matrix.channel_revenue desc,
    matrix.bookings desc,
    matrix.listed desc,
    matrix.channel
