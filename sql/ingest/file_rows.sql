-- The rows of one file (`file_raw`, read by DuckDB's CSV reader with every column as text) with
-- their line numbers (the header is line 1, or line $skip + 1 after title rows), cells trimmed and
-- empty cells as NULL. Columns read as _ignored_<n> (not in the contract or the mapping) are
-- dropped. The reader numbers records and skips the ones it rejects, so a row's line is its
-- position among accepted rows, plus 2, plus the lines skipped before the header, plus the
-- rejected records before it, plus the blank lines a normalized copy of the file left out
-- before it (`line_shifts`, from ingest/line_shifts.sql).
create or replace temp table file_rows as
with accepted as (
    select rowid as position, * from file_raw
),

rejected as (
    select distinct line from file_rejects where error_type <> 'INVALID ENCODING'
),

rejected_ranked as (
    select
        line - 1 - $skip::bigint - row_number() over (order by line) as accepted_before,
        row_number() over (order by line) as rejected_so_far
    from rejected
),

steps as (
    select accepted_before, max(rejected_so_far) as rejected_so_far
    from rejected_ranked
    group by accepted_before
),

numbered as (
    select
        accepted.position + 2 + $skip::bigint + coalesce(steps.rejected_so_far, 0) as line_in_copy,
        accepted.* exclude (position)
    from accepted
    asof left join steps on accepted.position >= steps.accepted_before
),

shifted as (
    select
        numbered.line_in_copy + coalesce(line_shifts.shift, 0) as line,
        numbered.* exclude (line_in_copy)
    from numbered
    asof left join line_shifts on numbered.line_in_copy >= line_shifts.from_line
)

select
    line,
    nullif(trim(columns(lambda c: c <> 'line' and not starts_with(c, '_ignored_'))), '')
from shifted
