-- The rows of one file that DuckDB's CSV reader accepted, each with its line number
-- (the header is line 1). The reader numbers records and skips the ones it rejects, so a row's
-- line is its position among accepted rows, plus 2, plus the rejected records before it.
with accepted as (
    select rowid as position, * from file_raw
),

rejected as (
    select distinct line from file_rejects where error_type <> 'INVALID ENCODING'
),

rejected_ranked as (
    select
        line - 1 - row_number() over (order by line) as accepted_before,
        row_number() over (order by line) as rejected_so_far
    from rejected
),

steps as (
    select accepted_before, max(rejected_so_far) as rejected_so_far
    from rejected_ranked
    group by accepted_before
)

select
    accepted.position + 2 + coalesce(steps.rejected_so_far, 0) as line,
    accepted.* exclude (position)
from accepted
asof left join steps on accepted.position >= steps.accepted_before
