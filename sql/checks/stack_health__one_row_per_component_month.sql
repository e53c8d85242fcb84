-- metrics.stack_health has exactly one row per component of stack.csv and month of the entity's
-- series: each row here is a component month that is missing, repeated or not in stack.csv.
with expected as (
    select distinct
        stack.entity_id,
        stack.component,
        months.month
    from raw.stack as stack
    inner join metrics.entity_months as months using (entity_id)
),

actual as (
    select
        entity_id,
        component,
        month,
        count(*) as row_count
    from metrics.stack_health
    group by entity_id, component, month
)

select
    coalesce(expected.entity_id, actual.entity_id) as entity_id,
    coalesce(expected.component, actual.component) as component,
    coalesce(expected.month, actual.month) as month,
    expected.component is not null as in_stack,
    coalesce(actual.row_count, 0) as row_count
from expected
full outer join actual using (entity_id, component, month)
where expected.component is null
    or coalesce(actual.row_count, 0) <> 1
order by entity_id, component, month
