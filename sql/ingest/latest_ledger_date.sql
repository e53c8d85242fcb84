-- The latest valid date in the given ledger files ($paths): what "the latest month in the
-- data" means before anything is loaded.
select max(try_strptime(trim(date), '%Y-%m-%d'))::date as latest
from read_csv($paths, header = true, all_varchar = true, union_by_name = true, ignore_errors = true)
