-- The rows of one bank export (`file_rows`, read with each mapped column under its role's name:
-- date, amount or debit and credit, description, counterparty, id) as ledger rows in `imported`,
-- or, when a cell cannot be read, as rows in `import_rejects` with the column as the export names
-- it ($<role>_column) and why. Nothing here is guessed: the date is read with $date_format, the
-- amount with the decimal mark $decimal_mark, money out is negative in the ledger ($negate: the
-- export writes it positive), and debit and credit columns ($debit_credit) hold money out and
-- money in. The records at $footer_lines (totals) are left out. A row's txn_id is the export's
-- own id ($id_column) or a hash of its source ($scope), date, amount, description and
-- counterparty and of its occurrence among identical rows of the file, so two coffees of the same
-- price on one day stay two rows, and the same rows in an overlapping export are the same ids.
create or replace temp table bank_rows (
    line bigint,
    date varchar,
    amount varchar,
    debit varchar,
    credit varchar,
    description varchar,
    counterparty varchar,
    id varchar
);

insert into bank_rows by name
select * from file_rows
where not list_contains($footer_lines::bigint[], line);

create or replace temp table bank_parsed as
with parsed as (
    select
        *,
        try_strptime(date, $date_format)::date as day,
        amount_parts(amount, $decimal_mark) as amount_written,
        amount_parts(debit, $decimal_mark) as debit_written,
        amount_parts(credit, $decimal_mark) as credit_written
    from bank_rows
),

valued as (
    select
        *,
        written_amount(amount_written, $decimal_mark) as amount_value,
        abs(written_amount(debit_written, $decimal_mark)) as debit_value,
        abs(written_amount(credit_written, $decimal_mark)) as credit_value
    from parsed
),

-- the first problem of each row, in the order the columns are read
checked as (
    select
        *,
        case
            when date is null then [$date_column, null, 'missing value: ' || $date_column || ' is empty']
            when day is null then [
                $date_column,
                date,
                'expected a date written as ' || $date_format || ' (such as '
                    || strftime(date '2025-01-31', $date_format) || '; date_format in reporting.yaml)'
            ]
            when not $debit_credit and amount is null
                then [$amount_column, null, 'missing value: ' || $amount_column || ' is empty']
            when not $debit_credit and not is_written_amount(amount_written) then [
                $amount_column,
                amount,
                'expected an amount with the decimal mark ''' || $decimal_mark
                    || ''' and at most 2 decimals, such as '
                    || case $decimal_mark when ',' then '1.234,56, -12,00, (12,00) or 12,00-'
                        else '1,234.56, -12.00, (12.00) or 12.00-' end
                    || ' (decimal in reporting.yaml)'
            ]
            when $debit_credit and debit is null and credit is null then [
                $debit_column,
                null,
                'missing value: ' || $debit_column || ' and ' || $credit_column || ' are both empty'
            ]
            when $debit_credit and debit is not null and not is_written_amount(debit_written) then [
                $debit_column,
                debit,
                'expected an amount with the decimal mark ''' || $decimal_mark
                    || ''' and at most 2 decimals (decimal in reporting.yaml)'
            ]
            when $debit_credit and credit is not null and not is_written_amount(credit_written) then [
                $credit_column,
                credit,
                'expected an amount with the decimal mark ''' || $decimal_mark
                    || ''' and at most 2 decimals (decimal in reporting.yaml)'
            ]
            when $debit_credit and coalesce(debit_value, 0) <> 0 and coalesce(credit_value, 0) <> 0 then [
                $debit_column,
                debit,
                'both ' || $debit_column || ' (' || debit || ') and ' || $credit_column || ' ('
                    || credit || ') hold an amount: expected money out or money in, not both'
            ]
            when $debit_credit and debit_value is null and credit_value is null
                or not $debit_credit and amount_value is null then [
                coalesce($amount_column, $debit_column),
                coalesce(amount, debit, credit),
                'expected an amount of at most 999,999,999.99 in absolute value'
            ]
            when $id_column is not null and id is null
                then [$id_column, null, 'missing value: ' || $id_column || ' is empty']
        end as problem,
        case
            when $debit_credit then coalesce(credit_value, 0) - coalesce(debit_value, 0)
            when $negate then -amount_value
            else amount_value
        end as movement
    from valued
)

select
    line,
    day,
    movement,
    description,
    counterparty,
    id,
    problem,
    to_json(struct_pack(
        date := date, amount := amount, debit := debit, credit := credit,
        description := description, counterparty := counterparty, id := id
    ))::varchar as record
from checked;

insert into import_rejects by name
select
    $source_file as source_file,
    $entity_id as entity_id,
    line,
    0 as part,
    problem[1] as column_name,
    problem[2] as value,
    problem[3] as reason,
    record
from bank_parsed
where problem is not null;

insert into imported by name
with good as (
    select
        *,
        row_number() over (
            partition by day, movement, description, counterparty order by line
        ) as occurrence
    from bank_parsed
    where problem is null
)

select
    $source_file as source_file,
    $entity_id as entity_id,
    line,
    0 as part,
    coalesce(
        id,
        'csv-' || left(sha256(concat_ws(
            '|', $scope, day::varchar, movement::varchar, coalesce(description, ''),
            coalesce(counterparty, ''), occurrence::varchar
        )), 16)
    ) as txn_id,
    strftime(day, '%Y-%m-%d') as date,
    null as account_code,
    movement::varchar as amount,
    description,
    counterparty
from good;
