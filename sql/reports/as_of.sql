-- What each configured entity's data is as of, for the report month ending $month_end: how far
-- its data reaches (metrics.coverage) up to the month end, whether that covers the month, and
-- for an entity that stops early, the file that says how far it reaches; its last ledger line
-- up to the month end beside it.
with last_dates as (
    select entity_id, max(date) as last_ledger_date
    from raw.ledger
    where date <= $month_end
    group by entity_id
)

select
    entities.entity_id,
    entities.name,
    last_dates.last_ledger_date,
    least(coverage.covers_through, $month_end) as data_through,
    coalesce(coverage.covers_through < $month_end, true) as late,
    -- named only while it stops early: once the month is covered, a later file changes nothing
    -- this month's report says
    case when coverage.covers_through < $month_end then coverage.source_file end as source_file,
    case when coverage.covers_through < $month_end then coverage.covers_basis end as covers_basis,
    case when coverage.covers_through < $month_end then coverage.source_table end as source_table
from config.entities as entities
left join last_dates using (entity_id)
left join metrics.coverage as coverage using (entity_id)
order by entities.entity_id
