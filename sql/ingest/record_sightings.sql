-- The first sight of the bytes of this load's files (`load_files`) for the table $table_name: a
-- file whose SHA-256 the entity's table was never seen with before gets the time $now and its
-- modification time (`file_times`), never later than $now (a clock ahead). Bytes seen before
-- keep their first sight: a copy with a fresh modification time moves nothing forward. Two
-- files of one load with the same bytes are one sight, the earlier modification time.
insert into ingest.file_sightings
select
    $table_name as table_name,
    files.entity_id,
    files.sha256,
    min(files.source_file) as source_file,
    $now as first_seen_at,
    least(min(times.modified_at), $now) as modified_at
from load_files as files
inner join file_times as times using (source_file)
where not exists (
    select 1
    from ingest.file_sightings as seen
    where seen.table_name = $table_name
        and seen.entity_id is not distinct from files.entity_id
        and seen.sha256 = files.sha256
)
group by files.entity_id, files.sha256
