-- Before an entity's files are loaded again: drop that entity's rows from the raw table being
-- loaded ({raw_table}: filled in with the table's checked name), or every row when $entities
-- is NULL.
delete from {raw_table}
where $entities is null or entity_id in (select unnest($entities::varchar[]))
