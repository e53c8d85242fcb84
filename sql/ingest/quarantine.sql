-- The quarantine rows of one load: every row read that cannot be used, with where it was and
-- why. Rows read = rows loaded + these rows, file by file.
with cell_rows as (
    select
        source_file,
        line,
        first(column_name order by position) as column_name,
        first(value order by position) as value,
        first(reason order by position)
            || case when count(*) > 1 then ' (and ' || (count(*) - 1) || ' more problem(s) in this row)' else '' end
            as reason
    from cell_problems
    group by source_file, line
)

select
    $table_name as table_name,
    stage.entity_id,
    stage.source_file,
    stage.line,
    cell_rows.column_name,
    cell_rows.value,
    cell_rows.reason,
    to_json(struct_pack(*columns(stage.* exclude (entity_id, source_file, line))))::varchar as record
from cell_rows
inner join stage using (source_file, line)

union all

select
    $table_name,
    stage.entity_id,
    stage.source_file,
    stage.line,
    $key_columns,
    duplicates.key_value,
    'duplicate key: ' || $key_columns || ' ' || duplicates.key_value
        || ' already loaded from line ' || duplicates.first_line,
    to_json(struct_pack(*columns(stage.* exclude (entity_id, source_file, line))))::varchar
from duplicate_keys as duplicates
inner join stage using (source_file, line)

union all

select
    $table_name,
    entity_id,
    source_file,
    line,
    null,
    csv_line,
    'malformed row: ' || error_message,
    null
from stage_rejects
