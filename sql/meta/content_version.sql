-- A fingerprint of a table's contents ($table_name), whatever the row order: the data version
-- Dagster compares to tell whether downstream assets are stale.
select count(*) || '-' || coalesce(sum(hash(t)), 0) as version
from query_table($table_name) as t
