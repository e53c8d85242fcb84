-- Before a load: drop the quarantine rows it replaces (of the table $t; of the entities
-- $entities only, when given).
delete from quarantine.rows
where table_name = $t
    and ($entities is null or entity_id in (select unnest($entities::varchar[])))
