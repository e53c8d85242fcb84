-- Rows read, loaded, quarantined and duplicate per file of one load (of the table $table_name),
-- with the first sight of its bytes: rows read = loaded + quarantined + duplicate (a duplicate
-- repeats a row already imported from the same source).
with read as (
    select source_file, count(*) as rows_staged from stage group by source_file
),

quarantined as (
    select source_file, count(*) as rows_quarantined from load_quarantine group by source_file
),

duplicate as (
    select source_file, count(*) as rows_duplicate from load_duplicates group by source_file
),

loaded as (
    select source_file, count(*) as rows_loaded from query_table($raw_table) group by source_file
),

rejected as (
    select source_file, count(*) as rows_rejected from stage_rejects group by source_file
),

not_imported as (
    select source_file, count(*) as rows_not_imported from import_rejects group by source_file
)

select
    files.source_file,
    files.entity_id,
    files.sha256,
    coalesce(read.rows_staged, 0) + coalesce(rejected.rows_rejected, 0)
        + coalesce(not_imported.rows_not_imported, 0) as rows_read,
    coalesce(loaded.rows_loaded, 0) as rows_loaded,
    coalesce(quarantined.rows_quarantined, 0) as rows_quarantined,
    coalesce(duplicate.rows_duplicate, 0) as rows_duplicate,
    files.ignored_columns,
    files.source_format,
    files.covers_through,
    null::varchar as covers_basis,
    seen.first_seen_at,
    seen.modified_at
from load_files as files
left join (
    select entity_id, sha256, first_seen_at, modified_at
    from ingest.file_sightings
    where table_name = $table_name
) as seen
    on seen.entity_id is not distinct from files.entity_id
    and seen.sha256 = files.sha256
left join read using (source_file)
left join quarantined using (source_file)
left join duplicate using (source_file)
left join loaded using (source_file)
left join rejected using (source_file)
left join not_imported using (source_file)
