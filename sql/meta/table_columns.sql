-- The columns of a warehouse table ($schema_name.$table_name).
select column_name
from information_schema.columns
where table_schema = $schema_name and table_name = $table_name
