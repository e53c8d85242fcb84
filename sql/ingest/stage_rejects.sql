-- Append the records of one file that DuckDB's CSV reader could not split into the header's
-- fields (too many or too few) to `stage_rejects`, one row per record, at its line in the file
-- itself (`line_shifts`: see file_rows.sql); records at the lines $footer_lines (a bank export's
-- total rows, which are no transactions) are left out.
insert into stage_rejects
select
    $source_file as source_file,
    $entity_id as entity_id,
    rejects.line + coalesce(line_shifts.shift, 0) as line,
    first(rejects.csv_line order by rejects.column_idx) as csv_line,
    first(rejects.error_message order by rejects.column_idx) as error_message
from file_rejects as rejects
asof left join line_shifts on rejects.line >= line_shifts.from_line
where rejects.error_type <> 'INVALID ENCODING'
    and not list_contains(
        $footer_lines::bigint[], rejects.line + coalesce(line_shifts.shift, 0)
    )
group by rejects.line, line_shifts.shift
