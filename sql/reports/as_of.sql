-- What each configured entity's data is as of, for the report month ending $month_end: its
-- last ledger date up to the month end, and whether the data stops before the month's end.
with last_dates as (
    select entity_id, max(date) as last_ledger_date
    from raw.ledger
    where date <= $month_end
    group by entity_id
),

covered as (
    select entity_id, max(date) >= $month_end as covers_month
    from raw.ledger
    group by entity_id
)

select
    entities.entity_id,
    entities.name,
    last_dates.last_ledger_date,
    not coalesce(covered.covers_month, false) as late
from config.entities as entities
left join last_dates using (entity_id)
left join covered using (entity_id)
order by entities.entity_id
