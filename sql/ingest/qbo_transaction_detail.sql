-- The transactions of one QuickBooks Online "Transaction Detail by Account" report (`qbo_rows`,
-- from ingest/qbo_lines.sql, in their sections: `report_sections`) as ledger rows in `imported`,
-- or, when a cell cannot be read, as rows in `import_rejects` with the column as the report
-- names it ($<role>_column) and why (docs/importing.md, qbo_transaction_detail).
--
-- The ledger is the bank's: only the transactions in the sections of the bank and card accounts
-- ($bank_accounts, $card_accounts: their names as written, lower case, spaces collapsed) are
-- ledger rows, each a movement of that account. The other sections list the same transactions
-- from their other side (the sale's line under Sales): they are no rows. The amount is the
-- report's, signed from the account's view: money in positive for a bank account; a card's
-- (a liability: a purchase grows what is owed) is negated. The account code is the split
-- account's (the other side of the entry, `chart_names`): its leading code when the chart has
-- it ("4000 Sales"), else the chart's account of that name (the last part of
-- "Utilities:Electric"); a "-Split-" line (several accounts) and a name the chart does not have
-- go to the mapping rules. The txn_id is a hash of the source ($scope), the section and the
-- line's fields and of its occurrence among identical lines, so two identical lines stay two
-- rows and an overlapping export repeats the same ids.
create or replace temp table qbo_parsed as
with ledger_lines as (
    select
        qbo_rows.*,
        report_sections.section,
        list_contains($card_accounts::varchar[], report_sections.section_key) as card
    from qbo_rows
    inner join report_sections using (line)
    where report_sections.kind = 'transaction'
        and (
            list_contains($bank_accounts::varchar[], report_sections.section_key)
            or list_contains($card_accounts::varchar[], report_sections.section_key)
        )
),

parsed as (
    select
        *,
        try_strptime(date, $date_format)::date as day,
        amount_parts(amount, $decimal_mark) as amount_written,
        nullif(trim(split), '-Split-') as split_account
    from ledger_lines
),

valued as (
    select
        *,
        written_amount(amount_written, $decimal_mark) * (case when card then -1 else 1 end)
            as movement,
        coalesce(
            (select min(code) from chart_names where code = regexp_extract(split_account, '^(\S+)\s', 1)),
            (select min(code) from chart_names where code = split_account),
            (
                select min(code) from chart_names
                where name_key = lower(regexp_replace(trim(
                    regexp_replace(split_account, '^.*:', '')
                ), '\s+', ' ', 'g'))
            ),
            (
                select min(code) from chart_names
                where name_key = lower(regexp_replace(trim(
                    regexp_replace(regexp_replace(split_account, '^.*:', ''), '^\S+\s+', '')
                ), '\s+', ' ', 'g'))
            )
        ) as account_code
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
            when amount is null
                then [$amount_column, null, 'missing value: ' || $amount_column || ' is empty']
            when not is_written_amount(amount_written) then [
                $amount_column,
                amount,
                'expected an amount with the decimal mark ''' || $decimal_mark
                    || ''' and at most 2 decimals, such as '
                    || case $decimal_mark when ',' then '1.234,56, -12,00 or (12,00)'
                        else '1,234.56, -12.00 or (12.00)' end
            ]
            when movement is null then [
                $amount_column, amount, 'expected an amount of at most 999,999,999.99 in absolute value'
            ]
        end as problem
    from valued
)

select
    line,
    section,
    day,
    movement,
    type,
    num,
    name,
    memo,
    split,
    account_code,
    problem,
    to_json(struct_pack(
        account := section, date := date, type := type, num := num, name := name,
        memo := memo, split := split, amount := amount
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
from qbo_parsed
where problem is not null;

insert into imported by name
with good as (
    select
        *,
        row_number() over (
            partition by section, day, movement, type, num, name, memo, split order by line
        ) as occurrence
    from qbo_parsed
    where problem is null
)

select
    $source_file as source_file,
    $entity_id as entity_id,
    line,
    0 as part,
    'qbo-' || left(sha256(concat_ws(
        '|', $scope, section, day::varchar, movement::varchar, coalesce(type, ''),
        coalesce(num, ''), coalesce(name, ''), coalesce(memo, ''), coalesce(split, ''),
        occurrence::varchar
    )), 16) as txn_id,
    strftime(day, '%Y-%m-%d') as date,
    account_code,
    movement::varchar as amount,
    coalesce(memo, name, type) as description,
    name as counterparty
from good
