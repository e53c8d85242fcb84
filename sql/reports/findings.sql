-- The findings of one report month ($month) from the given sources ($sources), with their status
-- against the month before: new, still open or resolved.
select finding_id, entity_id, source, rule, severity, title, detail, amount, status
from metrics.finding_status
where month = $month and source in (select unnest($sources::varchar[]))
order by finding_id
