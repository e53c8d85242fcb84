-- metrics.weeks: each entity's week series, one row per ISO week (Monday to Sunday) from the week
-- of its first month's first day to the week of its last month's last day, with whether its data
-- reaches the week's Sunday.
-- owner: ceo
-- grain: entity_id, iso_week
--
-- A week is made of days, and every day in the store is already the portfolio's day: a ledger
-- line carries a date, and an export's UTC timestamps become the configured time zone's day when
-- they are imported (Stripe's Created: sql/ingest/stripe_balance.sql). So a week needs no time
-- zone here; the weeks cover every day of the entity's months (metrics.entity_months), so the
-- weeks of a month add up to the month (docs/decisions.md #51).
with spans as (
    select
        entity_id,
        min(month) as first_day,
        max(month_end) as last_day
    from metrics.entity_months
    group by entity_id
),

series as (
    select
        entity_id,
        -- date_trunc('week') is the ISO week's Monday
        unnest(generate_series(
            date_trunc('week', first_day), date_trunc('week', last_day), interval 7 day
        ))::date as week_start
    from spans
)

select
    series.entity_id,
    -- the ISO week's year (that of its Thursday) and number: 2026-W44
    strftime(series.week_start, '%G-W%V') as iso_week,
    series.week_start as week_monday,
    (series.week_start + 6)::date as week_sunday,
    -- the rule of the period close (docs/operations.md): the data covers the week when the date
    -- its files cover through is on or after the week's Sunday
    coalesce(coverage.covers_through >= series.week_start + 6, false) as week_covered,
    coverage.covers_through
from series
left join metrics.coverage as coverage using (entity_id)
order by series.entity_id, series.week_start
