-- Read one report exported as CSV ($path: QuickBooks Online's or Xero's, whose rows below the
-- header are of several shapes: a section's name alone in its first cell, a total, a
-- transaction) with every column as text under the names in $columns, after $skip title lines.
-- As ingest/read_file.sql, except that a record with fewer fields than the header is padded with
-- empty cells instead of being rejected (null_padding). Records with more fields than the header
-- go to `file_rejects`.
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
    null_padding = true,
    store_rejects = true,
    rejects_table = 'file_rejects',
    rejects_scan = 'file_rejects_scan'
)
