-- The rows of one load that repeat a row already imported from the same source (an overlapping
-- statement, a file downloaded twice): not loaded and not quarantined, because their movement
-- is in the books from the first copy (docs/decisions.md #24). Kept in ingest.duplicate_rows
-- with the row they repeat, and counted per file as rows_duplicate.
select
    $table_name as table_name,
    stage.entity_id,
    stage.source_file,
    stage.line,
    stage.part,
    duplicates.key_value,
    duplicates.first_file,
    duplicates.first_line,
    to_json(struct_pack(*columns(stage.* exclude (entity_id, source_file, line, part))))::varchar as record
from duplicate_keys as duplicates
inner join stage using (source_file, line, part)
where duplicates.already_imported
