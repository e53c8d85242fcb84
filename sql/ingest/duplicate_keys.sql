-- Rows that repeat the key of an earlier valid row of the same entity: the first occurrence
-- loads and each later one is quarantined. Rows with a bad cell do not claim a key.
with valid as (
    select source_file, entity_id, line, _key
    from stage
    anti join cell_problems using (source_file, line)
),

ranked as (
    select
        *,
        first_value(line) over keyed as first_line,
        first_value(source_file) over keyed as first_file,
        row_number() over keyed as occurrence
    from valid
    window keyed as (partition by entity_id, _key order by source_file, line)
)

select source_file, entity_id, line, _key, first_file, first_line
from ranked
where occurrence > 1
