-- A fingerprint of a monthly table's rows ($table_name) by month and entity: a domain report,
-- which is about its entities only, takes just theirs.
select
    $table_name as table_name,
    month::date as month,
    entity_id,
    count(*) || '-' || sum(hash(t)) as h
from query_table($table_name) as t
group by month, entity_id
