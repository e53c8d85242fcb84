-- The rows of a graded check's result (`check_result`, with a boolean `fails`) where `fails` is
-- $fails: the failing ones, or the tolerated ones.
select count(*) over () as total, *
from check_result
where fails = $fails
limit $n
