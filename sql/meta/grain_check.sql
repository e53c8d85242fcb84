-- The rows of a relation ($table_name) that break its grain, the columns $keys declared on the
-- relation's `-- grain:` line: each key value held by more than one row, with the row count.
select
    columns(lambda c: list_contains($keys, c)),
    count(*) as row_count
from query_table($table_name)
group by all
having count(*) > 1
order by all
