-- At most max_quarantined_share of the table's rows read are quarantined (reporting.yaml).
-- Runs for every input table ($table_name), over every file of its latest load (ingest.file_loads):
-- when the table's quarantined rows are more than $max_quarantined_share of its rows read (which
-- usually means a file that mostly fails the contract: wrong export, wrong columns), a row here
-- is each quarantined row, with its file, line, column, value and reason, and the table's share.
-- `files` lists each file with quarantined rows: quarantined / read.
with loads as (
    select *
    from ingest.file_loads
    where table_name = $table_name
),

totals as (
    select
        sum(rows_read) as rows_read,
        sum(rows_quarantined) as rows_quarantined
    from loads
),

over_share as (
    select
        $table_name as table_name,
        totals.rows_read,
        totals.rows_quarantined,
        round(totals.rows_quarantined / totals.rows_read, 4) as quarantined_share,
        $max_quarantined_share::decimal(5, 4) as max_quarantined_share,
        (
            select string_agg(
                source_file || ': ' || rows_quarantined || ' / ' || rows_read, '; '
                order by source_file
            )
            from loads
            where rows_quarantined > 0
        ) as files
    from totals
    where totals.rows_read > 0
        and totals.rows_quarantined > $max_quarantined_share * totals.rows_read
)

select
    quarantined.source_file,
    quarantined.line,
    quarantined.column_name,
    quarantined.value,
    quarantined.reason,
    over_share.*
from over_share
cross join quarantine.rows as quarantined
where quarantined.table_name = $table_name
order by quarantined.source_file, quarantined.line
