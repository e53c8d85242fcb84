-- The rows of a monthly relation ($table_name) that break its grain (one row per entity_id and
-- month, $keys) for a series (the relation's `-- series:` line): every month of the series of
-- every entity ($series = 'every') or of the entities of one kind ($series = 'rental'...) in
-- metrics.entity_months must have exactly one row, and no row may fall outside it. Each row
-- here is an entity month that is missing, repeated or outside the series.
with expected as (
    select months.entity_id, months.month
    from metrics.entity_months as months
    inner join config.entities as entities using (entity_id)
    where $series = 'every' or entities.kind = $series
),

actual as (
    select entity_id, month, count(*) as row_count
    from query_table($table_name)
    group by entity_id, month
)

select
    coalesce(expected.entity_id, actual.entity_id) as entity_id,
    coalesce(expected.month, actual.month) as month,
    expected.month is not null as in_series,
    coalesce(actual.row_count, 0) as row_count
from expected
full outer join actual using (entity_id, month)
where expected.month is null
    or coalesce(actual.row_count, 0) <> 1
order by entity_id, month
