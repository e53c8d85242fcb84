-- The optional files ($tables, a list of table names) that a configured entity does not have:
-- the sections that need them say "no data" for that entity. A report about one entity
-- ($entity_id) names only that entity's files; a portfolio report ($entity_id null) every
-- entity's.
select
    entities.entity_id,
    tables.table_name,
    entities.entity_id || '/' || tables.table_name || '.csv' as expected_file
from config.entities as entities
cross join (select unnest($tables::varchar[]) as table_name) as tables
anti join ingest.file_loads as loads
    on loads.entity_id = entities.entity_id and loads.table_name = tables.table_name
where $entity_id::varchar is null or entities.entity_id = $entity_id::varchar
order by entities.entity_id, tables.table_name
