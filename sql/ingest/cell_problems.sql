-- Every cell of the staged rows that breaks the input contract (docs/data-contract.md), with
-- the expectation it missed. Inputs: `stage` (one varchar column per contract column, plus
-- source_file, entity_id, line) and `contract_columns` (the contract of the table being loaded).
with cells as (
    from (select * exclude (entity_id) from stage)
    unpivot include nulls (value for column_name in (columns(* exclude (source_file, line))))
),

checked as (
    select
        cells.source_file,
        cells.line,
        cells.column_name,
        cells.value,
        contract.position,
        case
            when cells.value is null and contract.required
                then 'missing value: ' || cells.column_name || ' is required'
            when cells.value is null and condition.value is not null
                and lower(condition.value) in (select unnest(contract.required_when_values))
                then 'missing value: ' || cells.column_name || ' is required when '
                    || contract.required_when_column || ' is ' || lower(condition.value)
            when cells.value is null then null
            when contract.type = 'date' and not is_iso_date(cells.value)
                then 'expected ' || contract.expected
            when contract.type = 'date' and not is_real_date(cells.value)
                then 'not a real date: expected ' || contract.expected
            when contract.type = 'month' and not is_month(cells.value)
                then 'expected ' || contract.expected
            when contract.type = 'money' and not is_money(cells.value)
                then 'expected ' || contract.expected
            when contract.type = 'decimal' and not is_decimal(cells.value)
                then 'expected ' || contract.expected
            when contract.type = 'integer' and not is_integer(cells.value)
                then 'expected ' || contract.expected
            when contract.type = 'boolean' and not is_boolean(cells.value)
                then 'expected ' || contract.expected
            when contract.type = 'enum' and lower(cells.value) not in (select unnest(contract.choices))
                then 'expected ' || contract.expected
        end as reason
    from cells
    inner join contract_columns as contract on cells.column_name = contract.column_name
    left join cells as condition
        on condition.source_file = cells.source_file
        and condition.line = cells.line
        and condition.column_name = contract.required_when_column
)

select source_file, line, column_name, value, reason, position
from checked
where reason is not null
