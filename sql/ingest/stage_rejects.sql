-- Append the records of one file that DuckDB's CSV reader could not split into the header's
-- fields (too many or too few) to `stage_rejects`, one row per record.
insert into stage_rejects
select
    $source_file as source_file,
    $entity_id as entity_id,
    line,
    first(csv_line order by column_idx) as csv_line,
    first(error_message order by column_idx) as error_message
from file_rejects
where error_type <> 'INVALID ENCODING'
group by line
