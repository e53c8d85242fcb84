-- The last $skip_footer records of one bank export (`file_rows`, and the records the CSV reader
-- rejected), which the source's mapping says are totals, not transactions: each with its date
-- cell, and whether that reads as a date ($date_format), which a total row's should not.
with records as (
    select line, date from file_rows
    union all
    select distinct rejects.line + coalesce(line_shifts.shift, 0), null
    from file_rejects as rejects
    asof left join line_shifts on rejects.line >= line_shifts.from_line
    where rejects.error_type <> 'INVALID ENCODING'
)

select
    line,
    date,
    try_strptime(date, $date_format) is not null as dated
from records
order by line desc
limit $skip_footer
