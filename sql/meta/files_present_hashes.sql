-- Which input files each entity has (ingest.file_loads: table and file, not when or what they
-- held): a report says which optional files are missing, so it changes when one arrives.
select
    'ingest.file_loads' as table_name,
    null::date as month,
    entity_id,
    md5(string_agg(table_name || '|' || source_file, chr(10) order by table_name, source_file)) as h
from ingest.file_loads
group by entity_id
