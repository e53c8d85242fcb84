-- Read one CSV file ($path) with every column as text under the names in $columns (a struct of
-- name -> VARCHAR, one per header field, in order), after $skip lines (title rows before the
-- header of a bank export; 0 for the canonical files). The dialect is fixed by the input
-- contract (a bank export's delimiter by its mapping: $delimiter), never sniffed. Records that
-- do not split into the header's fields go to `file_rejects`.
create or replace temp table file_raw as
select *
from read_csv(
    $path,
    header = true,
    auto_detect = false,
    skip = $skip,
    delim = $delimiter,
    quote = '"',
    escape = '"',
    columns = $columns,
    encoding = 'utf-8',
    store_rejects = true,
    rejects_table = 'file_rejects',
    rejects_scan = 'file_rejects_scan'
)
