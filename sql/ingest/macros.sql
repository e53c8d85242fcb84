-- How a CSV cell is read: one definition of each type of the input contract
-- (docs/data-contract.md), used both to check a cell and to convert it.
-- Cells arrive trimmed, with empty cells as NULL.

-- checks: true when a present value is valid for the type
create or replace temp macro is_iso_date(v) as
    regexp_full_match(v, '\d{4}-\d{2}-\d{2}');
create or replace temp macro is_real_date(v) as
    try_strptime(v, '%Y-%m-%d') is not null;
create or replace temp macro is_month(v) as
    regexp_full_match(v, '\d{4}-(0[1-9]|1[0-2])(-01)?');
create or replace temp macro is_money(v) as
    regexp_full_match(v, '[+-]?\d{1,16}(\.\d{1,2})?');
create or replace temp macro is_decimal(v) as
    regexp_full_match(v, '[+-]?\d{1,12}(\.\d{1,6})?');
create or replace temp macro is_integer(v) as
    regexp_full_match(v, '[+-]?\d{1,9}');
create or replace temp macro is_boolean(v) as
    lower(v) in ('yes', 'no', 'y', 'n', 'true', 'false', '1', '0');

-- conversions: only ever applied to values that passed the checks above
create or replace temp macro as_date(v) as cast(strptime(v, '%Y-%m-%d') as date);
create or replace temp macro as_month(v) as cast(strptime(left(v, 7), '%Y-%m') as date);
create or replace temp macro as_money(v) as cast(v as decimal(18, 2));
create or replace temp macro as_decimal(v) as cast(v as decimal(18, 6));
create or replace temp macro as_integer(v) as cast(v as integer);
create or replace temp macro as_boolean(v) as lower(v) in ('yes', 'y', 'true', '1');
create or replace temp macro as_choice(v) as lower(v);
