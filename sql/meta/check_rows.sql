-- The rows of a check's result (`check_result`): every one breaks the rule.
select count(*) over () as total, *
from check_result
limit $n
