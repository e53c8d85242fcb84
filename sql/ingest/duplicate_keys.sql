-- Rows that repeat the key of an earlier valid row of the same entity: the first occurrence
-- loads and each later one is quarantined. Rows with a bad cell do not claim a key. The key
-- columns of the table being loaded are the ones with a key_position in `contract_columns`.
-- A repeat is `already_imported` when both rows come from files of one imported source
-- (`load_files.dedupe_scope`: an OFX statement or bank export downloaded twice, or two that
-- overlap): its movement is in the books from the first row, so it is counted as a duplicate,
-- not quarantined (docs/decisions.md #24).
with cells as (
    from (select * exclude (entity_id) from stage)
    unpivot include nulls (value for column_name in (columns(* exclude (source_file, line, part))))
),

keys as (
    select
        cells.source_file,
        cells.line,
        cells.part,
        -- a month may be written 2025-01 or 2025-01-01: the same key either way; a choice is
        -- the same in any case
        string_agg(
            case
                when contract.type in ('month', 'period') then left(cells.value, 7)
                when contract.type = 'enum' then lower(coalesce(cells.value, ''))
                else coalesce(cells.value, '')
            end,
            ' | ' order by contract.key_position
        ) as key_value
    from cells
    inner join contract_columns as contract using (column_name)
    where contract.key_position is not null
    group by cells.source_file, cells.line, cells.part
),

valid as (
    select stage.source_file, stage.entity_id, stage.line, stage.part, keys.key_value, files.dedupe_scope
    from stage
    inner join keys using (source_file, line, part)
    left join load_files as files using (source_file)
    anti join cell_problems using (source_file, line, part)
),

ranked as (
    select
        *,
        first_value(source_file) over keyed as first_file,
        first_value(line) over keyed as first_line,
        first_value(dedupe_scope) over keyed as first_scope,
        row_number() over keyed as occurrence
    from valid
    window keyed as (partition by entity_id, key_value order by source_file, line, part)
)

select
    source_file,
    entity_id,
    line,
    part,
    key_value,
    first_file,
    first_line,
    coalesce(dedupe_scope = first_scope, false) as already_imported
from ranked
where occurrence > 1
