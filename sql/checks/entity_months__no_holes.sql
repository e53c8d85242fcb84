-- Every month between an entity's first and last month is in metrics.entity_months: each row
-- here is a missing month.
with span as (
    select
        entity_id,
        min(month) as first_month,
        max(month) as last_month
    from metrics.entity_months
    group by entity_id
),

expected as (
    select
        entity_id,
        unnest(generate_series(first_month, last_month, interval 1 month))::date as month
    from span
)

select
    expected.entity_id,
    expected.month as missing_month
from expected
anti join metrics.entity_months as months using (entity_id, month)
order by expected.entity_id, expected.month
