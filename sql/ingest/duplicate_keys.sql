-- Rows that repeat the key of an earlier valid row of the same entity: the first occurrence
-- loads and each later one is quarantined. Rows with a bad cell do not claim a key. The key
-- columns of the table being loaded are the ones with a key_position in `contract_columns`.
with cells as (
    from (select * exclude (entity_id) from stage)
    unpivot include nulls (value for column_name in (columns(* exclude (source_file, line))))
),

keys as (
    select
        cells.source_file,
        cells.line,
        -- a month may be written 2025-01 or 2025-01-01: the same key either way
        string_agg(
            case when contract.type = 'month' then left(cells.value, 7) else coalesce(cells.value, '') end,
            ' | ' order by contract.key_position
        ) as key_value
    from cells
    inner join contract_columns as contract using (column_name)
    where contract.key_position is not null
    group by cells.source_file, cells.line
),

valid as (
    select stage.source_file, stage.entity_id, stage.line, keys.key_value
    from stage
    inner join keys using (source_file, line)
    anti join cell_problems using (source_file, line)
),

ranked as (
    select
        *,
        first_value(line) over keyed as first_line,
        row_number() over keyed as occurrence
    from valid
    window keyed as (partition by entity_id, key_value order by source_file, line)
)

select source_file, entity_id, line, key_value, first_line
from ranked
where occurrence > 1
