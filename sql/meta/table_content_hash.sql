-- A table that has no month, hashed whole ($table_name): every report month reads all of it.
select $table_name as table_name, count(*) || '-' || coalesce(sum(hash(t)), 0) as h
from query_table($table_name) as t
