-- How far each entity's data reaches, as every report month (report_months) says it
-- (reports/as_of.sql): up to the month's end, and while that stops early, the file that says so.
-- A later file that only reaches further, once the month is covered, changes nothing a month's
-- report says, so it leaves the month's version alone.
select
    'metrics.coverage' as table_name,
    report_months.month,
    entities.entity_id,
    coalesce(least(coverage.covers_through, last_day(report_months.month))::varchar, '-')
        || '|' || case
            when coverage.covers_through < last_day(report_months.month)
                then coverage.source_file || '|' || coverage.covers_basis
            else ''
        end as h
from report_months
cross join config.entities as entities
left join metrics.coverage as coverage using (entity_id)
