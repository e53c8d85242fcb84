-- How far the line numbers of a file read through a normalized copy (exec_reporting.source_text)
-- are off, because the copy left out blank lines ($blank_lines: their record numbers in the
-- file itself): from line `from_line` of the copy on, the file's record number is `shift` more.
-- Empty when the file was read as it is.
create or replace temp table line_shifts as
select
    blank - blank_index + 1 as from_line,
    max(blank_index) as shift
from (
    select
        unnest($blank_lines::bigint[]) as blank,
        unnest(range(1, len($blank_lines::bigint[]) + 1)) as blank_index
)
group by from_line
