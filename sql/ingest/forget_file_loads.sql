-- Before a load: drop the file records it replaces (of the table $t; of the entities $entities
-- only, when given).
delete from ingest.file_loads
where table_name = $t
    and ($entities is null or entity_id in (select unnest($entities::varchar[])))
