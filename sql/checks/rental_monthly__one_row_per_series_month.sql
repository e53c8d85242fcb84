-- metrics.rental_monthly has exactly one row for each month of each rental entity's series:
-- each row here is a month missing, repeated or outside the series.
with expected as (
    select
        months.entity_id,
        months.month
    from metrics.entity_months as months
    inner join config.entities as entities using (entity_id)
    where entities.kind = 'rental'
),

actual as (
    select
        entity_id,
        month,
        count(*) as row_count
    from metrics.rental_monthly
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
