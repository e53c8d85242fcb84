-- A fingerprint of what the reports say about the quarantine (which rows, where, why), without
-- the time they were quarantined: a reload of the same files changes nothing.
select
    'quarantine.rows' as table_name,
    null::date as month,
    null::varchar as entity_id,
    md5(coalesce(string_agg(
        table_name || '|' || source_file || '|' || line || '|' || reason, chr(10)
        order by table_name, source_file, line
    ), '')) as h
from quarantine.rows
