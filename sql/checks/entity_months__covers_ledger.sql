-- Each entity's series starts at the month of its first ledger line and ends at the month of its
-- last: each row here is an entity whose series and ledger disagree (or one lacks the other).
with ledger_span as (
    select
        entity_id,
        date_trunc('month', min(date))::date as first_month,
        date_trunc('month', max(date))::date as last_month
    from raw.ledger
    group by entity_id
),

series_span as (
    select
        entity_id,
        min(month) as first_month,
        max(month) as last_month
    from metrics.entity_months
    group by entity_id
)

select
    coalesce(ledger_span.entity_id, series_span.entity_id) as entity_id,
    ledger_span.first_month as ledger_first_month,
    series_span.first_month as series_first_month,
    ledger_span.last_month as ledger_last_month,
    series_span.last_month as series_last_month
from ledger_span
full outer join series_span using (entity_id)
where ledger_span.first_month is distinct from series_span.first_month
    or ledger_span.last_month is distinct from series_span.last_month
order by entity_id
