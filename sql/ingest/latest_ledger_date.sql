-- The latest valid date in the given ledger files ($paths): what "the latest month in the
-- data" means before anything is loaded. Dates ingest would quarantine as outside the report
-- window (before $first_day, after $run_date plus $future_days) do not count.
with ledger_dates as (
    select try_strptime(trim(date), '%Y-%m-%d')::date as day
    from read_csv($paths, header = true, all_varchar = true, union_by_name = true, ignore_errors = true)
)

select max(day) as latest
from ledger_dates
where day between $first_day::date and ($run_date::date + $future_days::integer)::date
