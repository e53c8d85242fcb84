-- The entities whose data does not cover the report month ($month_end): the latest date any of
-- their files covers through (metrics.coverage) is before the month's last day, or they have
-- no data at all. A month's pack goes out only when this is empty, the month is closed in
-- reporting.yaml, or period_close.deadline_day has come (then marked Preliminary).
select
    coverage.entity_id,
    entities.name,
    coverage.covers_through,
    coverage.source_file,
    coverage.covers_basis,
    coverage.source_table,
    coverage.last_ledger_date
from metrics.coverage as coverage
inner join config.entities as entities using (entity_id)
where coverage.covers_through is null or coverage.covers_through < $month_end
order by entities.name
