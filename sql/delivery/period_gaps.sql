-- The entities whose data does not cover the report month ($month_end): the latest date any of
-- their files covers through (metrics.coverage) is before the month's last day, or they have
-- no data at all. A month's pack goes out only when this is empty, the month is closed in
-- reporting.yaml, or period_close.deadline_day has come (then marked Preliminary).
select
    entity_id,
    name,
    covers_through,
    source_file,
    covers_basis,
    source_table,
    last_ledger_date
from metrics.coverage
where covers_through is null or covers_through < $month_end
order by name
