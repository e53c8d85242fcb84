-- The "data as of" of every report month (report_months): each entity's last ledger date up to
-- the month's end, and whether its data reaches the month's end at all. Every report states
-- both, so they are part of every report's inputs (in place of raw.ledger, which reports read
-- for nothing else).
with ledger_dates as (
    select distinct entity_id, date from raw.ledger
),

last_dates as (
    select entity_id, max(date) as last_date from raw.ledger group by entity_id
),

month_ends as (
    select entities.entity_id, report_months.month, last_day(report_months.month) as month_end
    from report_months
    cross join config.entities as entities
)

select
    'raw.ledger' as table_name,
    month_ends.month,
    month_ends.entity_id,
    coalesce(ledger_dates.date::varchar, '-')
        || '|' || coalesce(last_dates.last_date >= month_ends.month_end, false)::varchar as h
from month_ends
asof left join ledger_dates
    on month_ends.entity_id = ledger_dates.entity_id
    and month_ends.month_end >= ledger_dates.date
left join last_dates on last_dates.entity_id = month_ends.entity_id
