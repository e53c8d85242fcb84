-- The transactions of one Xero "Account Transactions" report (`xero_rows`, from
-- ingest/xero_lines.sql, in their sections: `report_sections`) as ledger rows in `imported`, or,
-- when a cell cannot be read, as rows in `import_rejects` with the column as the report names it
-- ($<role>_column) and why (docs/importing.md, xero_account_transactions).
--
-- Only the transactions in the sections of the bank and card accounts ($bank_accounts: their
-- names as written, lower case, spaces collapsed) are ledger rows, as for QuickBooks (decision
-- 28): the other sections are the other side of the same entries. Debit and Credit are the
-- account's own: a bank account (an asset) is debited with money in and credited with money
-- out; a card (a liability) credited with a purchase and debited with its payment. So the
-- signed amount, money in positive, is Debit - Credit for both ($debit_credit); a report with a
-- signed Gross column instead ($debit_credit false) gives it as it is. The report names no
-- counter account: the account code comes from the mapping rules. The txn_id is a hash of the
-- source ($scope), the section and the line's fields and of its occurrence among identical
-- lines.
create or replace temp table xero_parsed as
with ledger_lines as (
    select xero_rows.*, report_sections.section
    from xero_rows
    inner join report_sections using (line)
    where report_sections.kind = 'transaction'
        and list_contains($bank_accounts::varchar[], report_sections.section_key)
),

parsed as (
    select
        *,
        try_strptime(date, $date_format)::date as day,
        amount_parts(debit, $decimal_mark) as debit_written,
        amount_parts(credit, $decimal_mark) as credit_written,
        amount_parts(gross, $decimal_mark) as gross_written
    from ledger_lines
),

valued as (
    select
        *,
        abs(written_amount(debit_written, $decimal_mark)) as debit_value,
        abs(written_amount(credit_written, $decimal_mark)) as credit_value,
        written_amount(gross_written, $decimal_mark) as gross_value
    from parsed
),

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
            when $debit_credit and debit is null and credit is null then [
                $debit_column,
                null,
                'missing value: ' || $debit_column || ' and ' || $credit_column || ' are both empty'
            ]
            when $debit_credit and debit is not null and not is_written_amount(debit_written) then [
                $debit_column,
                debit,
                'expected an amount with the decimal mark ''' || $decimal_mark
                    || ''' and at most 2 decimals, such as 1,234.56'
            ]
            when $debit_credit and credit is not null and not is_written_amount(credit_written) then [
                $credit_column,
                credit,
                'expected an amount with the decimal mark ''' || $decimal_mark
                    || ''' and at most 2 decimals, such as 1,234.56'
            ]
            when $debit_credit and coalesce(debit_value, 0) <> 0 and coalesce(credit_value, 0) <> 0 then [
                $debit_column,
                debit,
                'both ' || $debit_column || ' (' || debit || ') and ' || $credit_column || ' ('
                    || credit || ') hold an amount: expected one of them'
            ]
            when not $debit_credit and gross is null
                then [$gross_column, null, 'missing value: ' || $gross_column || ' is empty']
            when not $debit_credit and not is_written_amount(gross_written) then [
                $gross_column,
                gross,
                'expected an amount with the decimal mark ''' || $decimal_mark
                    || ''' and at most 2 decimals, such as 1,234.56 or -12.00'
            ]
            when $debit_credit and debit_value is null and credit_value is null
                or not $debit_credit and gross_value is null then [
                coalesce($gross_column, $debit_column),
                coalesce(gross, debit, credit),
                'expected an amount of at most 999,999,999.99 in absolute value'
            ]
        end as problem,
        case
            when $debit_credit then coalesce(debit_value, 0) - coalesce(credit_value, 0)
            else gross_value
        end as movement
    from valued
)

select
    line,
    section,
    day,
    movement,
    source,
    contact,
    description,
    reference,
    problem,
    to_json(struct_pack(
        account := section, date := date, source := source, contact := contact,
        description := description, reference := reference, debit := debit, credit := credit,
        gross := gross
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
from xero_parsed
where problem is not null;

insert into imported by name
with good as (
    select
        *,
        row_number() over (
            partition by section, day, movement, source, contact, description, reference
            order by line
        ) as occurrence
    from xero_parsed
    where problem is null
)

select
    $source_file as source_file,
    $entity_id as entity_id,
    line,
    0 as part,
    'xero-' || left(sha256(concat_ws(
        '|', $scope, section, day::varchar, movement::varchar, coalesce(source, ''),
        coalesce(contact, ''), coalesce(description, ''), coalesce(reference, ''),
        occurrence::varchar
    )), 16) as txn_id,
    strftime(day, '%Y-%m-%d') as date,
    null as account_code,
    movement::varchar as amount,
    coalesce(description, reference, source) as description,
    contact as counterparty
from good
