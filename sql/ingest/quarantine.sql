-- The quarantine rows of one load: every row read that cannot be used, with where it was and
-- why. Rows read = rows loaded + these rows + the duplicates of ingest/duplicates.sql, file by
-- file. A quarantined row keeps its file's line; `part` (the rows an importer made of one line,
-- such as a payment and its fee) is only carried until the rows are stored.
with cell_rows as (
    select
        source_file,
        line,
        part,
        first(column_name order by position) as column_name,
        first(value order by position) as value,
        first(reason order by position)
            || case when count(*) > 1 then ' (and ' || (count(*) - 1) || ' more problem(s) in this row)' else '' end
            as reason
    from cell_problems
    group by source_file, line, part
)

select
    $table_name as table_name,
    stage.entity_id,
    stage.source_file,
    stage.line,
    stage.part,
    cell_rows.column_name,
    cell_rows.value,
    cell_rows.reason,
    to_json(struct_pack(*columns(stage.* exclude (entity_id, source_file, line, part))))::varchar as record
from cell_rows
inner join stage using (source_file, line, part)

union all

select
    $table_name,
    stage.entity_id,
    stage.source_file,
    stage.line,
    stage.part,
    $key_columns,
    duplicates.key_value,
    'duplicate key: ' || $key_columns || ' ' || duplicates.key_value
        || ' already loaded from '
        || case when duplicates.first_file <> duplicates.source_file then duplicates.first_file || ' ' else '' end
        || 'line ' || duplicates.first_line,
    to_json(struct_pack(*columns(stage.* exclude (entity_id, source_file, line, part))))::varchar
from duplicate_keys as duplicates
inner join stage using (source_file, line, part)
where not duplicates.already_imported

union all

select
    $table_name,
    entity_id,
    source_file,
    line,
    0,
    null,
    csv_line,
    'malformed row: ' || error_message,
    null
from stage_rejects

union all

-- rows an importer could not turn into ledger rows (an amount that is no number, say), with the
-- column as the export names it
select
    $table_name,
    entity_id,
    source_file,
    line,
    part,
    column_name,
    value,
    reason,
    record
from import_rejects
