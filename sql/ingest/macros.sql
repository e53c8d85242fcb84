-- How a CSV cell is read: one definition of each type of the input contract
-- (docs/data-contract.md), used both to check a cell and to convert it.
-- Cells arrive trimmed, with empty cells as NULL.

-- checks: true when a present value is valid for the type
create or replace temp macro is_iso_date(v) as
    regexp_full_match(v, '\d{4}-\d{2}-\d{2}');
create or replace temp macro is_month(v) as
    regexp_full_match(v, '\d{4}-(0[1-9]|1[0-2])(-01)?');
-- a budget's month, or its year (an annual target)
create or replace temp macro is_period(v) as
    is_month(v) or regexp_full_match(v, '\d{4}');
-- any number of digits here: a value too large for its column is refused by within_limit, with
-- a reason that says the limit
create or replace temp macro is_money(v) as
    regexp_full_match(v, '[+-]?\d+(\.\d{1,2})?');
create or replace temp macro is_decimal(v) as
    regexp_full_match(v, '[+-]?\d+(\.\d{1,6})?');
create or replace temp macro is_integer(v) as
    regexp_full_match(v, '[+-]?\d+');
create or replace temp macro is_boolean(v) as
    lower(v) in ('yes', 'no', 'y', 'n', 'true', 'false', '1', '0');
-- a number that passed its format check is at most `max_abs` away from zero (the contract's
-- LIMITS, all below 10^12); one too long for DECIMAL(18,6) is beyond them too. DECIMAL(18,6)
-- rather than a wider type: it is read several times faster, and every money cell goes through
-- here
create or replace temp macro within_limit(v, max_abs) as
    coalesce(abs(try_cast(v as decimal(18, 6))) <= max_abs, false);
-- a NUL byte never belongs in a CSV cell: the file is UTF-16 or binary, or was damaged
create or replace temp macro has_nul(v) as
    contains(v, chr(0));

-- Date windows (exec_reporting.contract.DateWindow). A column names its earliest day as
-- 'first_month', 'eve_of_first_month' or a fixed ISO date, and its latest as 'future_days' (the
-- run date plus quality.future_days) or 'plausible' (the run date plus $plausible_years).
-- day_of is the day a date cell names, or the first day of a month cell's month: NULL when the
-- date is not a real one (2025-02-30), and for every other type.
create or replace temp macro day_of(type, v) as case type
    when 'date' then try_strptime(v, '%Y-%m-%d')::date
    when 'month' then try_strptime(left(v, 7), '%Y-%m')::date
    when 'period' then try_strptime(left(v || '-01', 7), '%Y-%m')::date
end;
create or replace temp macro earliest_day(rule, first_day) as case rule
    when 'first_month' then first_day
    when 'eve_of_first_month' then (first_day - 1)::date
    else try_cast(rule as date)
end;
create or replace temp macro latest_day(rule, run_date, future_days, plausible_years) as case rule
    when 'future_days' then (run_date + future_days)::date
    else (run_date + to_years(plausible_years))::date
end;
-- what the reason says after "date <value> ": the bound broken, and why the bound is there
create or replace temp macro too_early(rule, first_day) as case rule
    when 'first_month' then
        'is before first_month ' || strftime(first_day, '%Y-%m')
        || ': the reports start on ' || first_day
        || ' (opening_cash in reporting.yaml is the cash on that day)'
    when 'eve_of_first_month' then
        'is before ' || (first_day - 1)::date || ', the day before first_month '
        || strftime(first_day, '%Y-%m')
        || ': only statements from that day on are compared (its closing balance is the opening cash)'
    else 'is before ' || rule || ': not a plausible date'
end;
create or replace temp macro too_late(rule, run_date, future_days, plausible_years) as case rule
    when 'future_days' then
        'is after today ' || run_date || ' plus ' || future_days
        || ' days (quality.future_days): it cannot have happened yet'
    else
        'is after ' || latest_day(rule, run_date, future_days, plausible_years)
        || ' (today plus ' || plausible_years || ' years): not a plausible date'
end;

-- conversions: only ever applied to values that passed the checks above
create or replace temp macro as_date(v) as cast(strptime(v, '%Y-%m-%d') as date);
create or replace temp macro as_month(v) as cast(strptime(left(v, 7), '%Y-%m') as date);
-- a period's month (NULL for a year) and its year
create or replace temp macro as_period_month(v) as
    case when length(v) > 4 then as_month(v) end;
create or replace temp macro as_period_year(v) as cast(left(v, 4) as integer);
create or replace temp macro as_money(v) as cast(v as decimal(18, 2));
create or replace temp macro as_decimal(v) as cast(v as decimal(18, 6));
create or replace temp macro as_integer(v) as cast(v as integer);
create or replace temp macro as_boolean(v) as lower(v) in ('yes', 'y', 'true', '1');
create or replace temp macro as_choice(v) as lower(v);
