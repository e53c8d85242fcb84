-- raw.channels: one row per entity, month and marketing channel.
select
    -- where it came from
    entity_id,
    source_file,
    line,
    -- the channel in that month
    as_month(month) as month,
    channel,
    as_boolean(listed) as listed,
    coalesce(as_money(spend), 0) as spend,
    coalesce(as_integer(leads), 0) as leads,
    coalesce(as_integer(bookings), 0) as bookings,
    coalesce(as_money(revenue), 0) as revenue
from stage
anti join load_quarantine using (source_file, line, part)
order by entity_id, line
