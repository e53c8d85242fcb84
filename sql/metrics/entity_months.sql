-- metrics.entity_months: each entity's month series, one row per month from the month of its
-- first ledger line to the month of its last, quiet months included.
-- owner: cfo
-- grain: entity_id, month
with ledger_span as (
    select
        entity_id,
        min(month) as first_month,
        max(month) as last_month
    from metrics.account_months
    group by entity_id
),

-- generate_series fills the quiet months too: a month without a single line still needs a row
-- so that every monthly relation reports it as zeros rather than skipping it.
series as (
    select
        entity_id,
        unnest(generate_series(first_month, last_month, interval 1 month))::date as month
    from ledger_span
)

select
    entity_id,
    month,
    last_day(month) as month_end
from series
order by entity_id, month
