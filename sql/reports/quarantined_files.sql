-- Rows held in quarantine, per file, with the first reason: every report lists them in its
-- notes on the data. A report about one entity ($entity_id) lists that entity's files and the
-- shared ones (the chart of accounts, at the top of the data folder); a portfolio report
-- ($entity_id null) every file.
select
    source_file,
    count(*) as rows,
    min(line) as first_line,
    arg_min(coalesce(column_name || ': ', '') || reason, line) as first_reason
from quarantine.rows
where $entity_id::varchar is null
    or not contains(source_file, '/')
    or starts_with(source_file, $entity_id::varchar || '/')
group by source_file
order by source_file
