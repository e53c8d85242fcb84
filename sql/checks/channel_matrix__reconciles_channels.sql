-- Spend, leads, bookings and revenue add up to channels.csv for every entity and month of its
-- series: each row here is an entity month whose figures differ from the file's rows.
with from_file as (
    select
        raw.entity_id,
        raw.month,
        sum(raw.spend) as spend,
        sum(raw.leads) as leads,
        sum(raw.bookings) as bookings,
        sum(raw.revenue) as channel_revenue
    from raw.channels as raw
    -- rows for months outside the entity's series are in no month of the matrix
    semi join metrics.entity_months as months using (entity_id, month)
    group by raw.entity_id, raw.month
),

from_matrix as (
    select
        entity_id,
        month,
        sum(spend) as spend,
        sum(leads) as leads,
        sum(bookings) as bookings,
        sum(channel_revenue) as channel_revenue
    from metrics.channel_matrix
    group by entity_id, month
)

select
    entity_id,
    month,
    from_file.spend as file_spend,
    from_matrix.spend as matrix_spend,
    from_file.bookings as file_bookings,
    from_matrix.bookings as matrix_bookings,
    from_file.channel_revenue as file_revenue,
    from_matrix.channel_revenue as matrix_revenue
from from_file
full outer join from_matrix using (entity_id, month)
where coalesce(from_file.spend, 0) != coalesce(from_matrix.spend, 0)
    or coalesce(from_file.leads, 0) != coalesce(from_matrix.leads, 0)
    or coalesce(from_file.bookings, 0) != coalesce(from_matrix.bookings, 0)
    or coalesce(from_file.channel_revenue, 0) != coalesce(from_matrix.channel_revenue, 0)
order by entity_id, month
