-- Rows held in quarantine, per file, with the first reason: every report lists them in its
-- notes on the data.
select
    source_file,
    count(*) as rows,
    min(line) as first_line,
    arg_min(coalesce(column_name || ': ', '') || reason, line) as first_reason
from quarantine.rows
group by source_file
order by source_file
