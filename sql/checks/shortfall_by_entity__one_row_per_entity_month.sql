-- metrics.shortfall_by_entity has exactly one row per entity and month of metrics.entity_months:
-- each row here is an entity month that is missing, repeated or outside the entity's series.
with actual as (
    select
        entity_id,
        month,
        count(*) as row_count
    from metrics.shortfall_by_entity
    group by entity_id, month
)

select
    coalesce(months.entity_id, actual.entity_id) as entity_id,
    coalesce(months.month, actual.month) as month,
    months.month is not null as in_series,
    coalesce(actual.row_count, 0) as row_count
from metrics.entity_months as months
full outer join actual using (entity_id, month)
where months.month is null
    or coalesce(actual.row_count, 0) <> 1
order by entity_id, month
