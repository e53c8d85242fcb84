-- Records of one file that DuckDB's CSV reader could not split into the header's fields.
select
    line,
    min(error_type)::varchar as error_type,
    first(error_message order by column_idx) as error_message,
    first(csv_line order by column_idx) as csv_line
from file_rejects
group by line
