-- Every cell of the staged rows that breaks the input contract (docs/data-contract.md), with
-- the expectation it missed. Inputs: `stage` (one varchar column per contract column, plus
-- source_file, entity_id, line and part: see ingest/load_tables.sql), `contract_columns` (the
-- contract of the table being loaded)
-- and the load's parameters: the date bounds $first_day (first_month's first day), $run_date
-- (today, in the configured time zone), $future_days (quality.future_days) and
-- $plausible_years; $check_nul, whether any file of the load holds a NUL byte at all (looking
-- for one in every cell costs time).
with cells as (
    from (select * exclude (entity_id) from stage)
    unpivot include nulls (value for column_name in (columns(* exclude (source_file, line, part))))
),

-- the contract, with each date column's window resolved for this load
contract as (
    select
        *,
        earliest_day(earliest, $first_day::date) as earliest_allowed,
        latest_day(latest, $run_date::date, $future_days::integer, $plausible_years::integer)
            as latest_allowed
    from contract_columns
),

-- each cell with its column's contract; a date or month cell parsed once, for both the check
-- that it is a real date and its window
typed as (
    select
        cells.*,
        contract.* exclude (column_name),
        day_of(contract.type, cells.value) as day
    from cells
    inner join contract using (column_name)
),

checked as (
    select
        cells.source_file,
        cells.line,
        cells.part,
        cells.column_name,
        cells.value,
        cells.position,
        case
            when cells.value is null and cells.required
                then 'missing value: ' || cells.column_name || ' is required'
            when cells.value is null and condition.value is not null
                and lower(condition.value) in (select unnest(cells.required_when_values))
                then 'missing value: ' || cells.column_name || ' is required when '
                    || cells.required_when_column || ' is ' || lower(condition.value)
            when cells.value is null then null
            when $check_nul::boolean and has_nul(cells.value)
                then 'a NUL byte (\0) in the value: the file is not plain text (UTF-16 or '
                    || 'binary?); save it as CSV UTF-8'
            when cells.type = 'date' and not is_iso_date(cells.value)
                then 'expected ' || cells.expected
            when cells.type = 'date' and cells.day is null
                then 'not a real date: expected ' || cells.expected
            when cells.type = 'month' and not is_month(cells.value)
                then 'expected ' || cells.expected
            when cells.type = 'period' and not is_period(cells.value)
                then 'expected ' || cells.expected
            when cells.type = 'money' and not is_money(cells.value)
                then 'expected ' || cells.expected
            when cells.type = 'decimal' and not is_decimal(cells.value)
                then 'expected ' || cells.expected
            when cells.type = 'integer' and not is_integer(cells.value)
                then 'expected ' || cells.expected
            when cells.max_abs is not null and not within_limit(cells.value, cells.max_abs)
                then 'expected ' || cells.limit_expected
            when cells.day < cells.earliest_allowed
                then cells.type || ' ' || cells.value || ' '
                    || too_early(cells.earliest, $first_day::date)
            when cells.day > cells.latest_allowed
                then cells.type || ' ' || cells.value || ' ' || too_late(
                    cells.latest, $run_date::date, $future_days::integer, $plausible_years::integer
                )
            when cells.type = 'boolean' and not is_boolean(cells.value)
                then 'expected ' || cells.expected
            when cells.type = 'enum' and lower(cells.value) not in (select unnest(cells.choices))
                then 'expected ' || cells.expected
        end as reason
    from typed as cells
    left join cells as condition
        on condition.source_file = cells.source_file
        and condition.line = cells.line
        and condition.part = cells.part
        and condition.column_name = cells.required_when_column
)

select source_file, line, part, column_name, value, reason, position
from checked
where reason is not null
