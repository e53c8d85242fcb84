-- metrics.revenue_recognition_monthly has exactly one row per entity and month of
-- metrics.entity_months: each row here is a month missing, repeated or outside the series.
with counted as (
    select
        entity_id,
        month,
        count(*) as row_count
    from metrics.revenue_recognition_monthly
    group by entity_id, month
)

select
    coalesce(months.entity_id, counted.entity_id) as entity_id,
    coalesce(months.month, counted.month) as month,
    coalesce(counted.row_count, 0) as row_count
from metrics.entity_months as months
full outer join counted using (entity_id, month)
where months.month is null
    or coalesce(counted.row_count, 0) <> 1
order by entity_id, month
