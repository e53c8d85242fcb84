-- The rows of one Stripe balance transactions export (`file_rows`, each column under its role's
-- name: id, type, source, amount, fee, net, currency, created, description) as ledger rows in
-- `imported`, or, when a cell cannot be read, as rows in `import_rejects` with the column as the
-- export names it ($<role>_column) and why (docs/importing.md, stripe_balance).
--
-- A balance transaction moves the Stripe balance by its gross amount (Amount) less Stripe's fee
-- (Fee). It becomes a line of its gross amount (part 0) and, when it has a fee, a fee line of
-- its own (part 1, the fee negated: money out):
-- - a charge (or payment) is revenue of its gross amount, a refund negative revenue
--   ($revenue_account, else the mapping rules);
-- - a payout (payout, payout_cancel, payout_failure...) is money moved between the business's
--   own accounts, never revenue: it goes to $payout_account, the transfer account the bank
--   statement's Stripe deposits are mapped to, so the two cancel out;
-- - Stripe's own billing (stripe_fee, fee, tax_fee) is a fee ($fee_account, else the rules);
-- - anything else (an adjustment, a dispute) goes to the mapping rules.
-- Its day is its Created (UTC) time in the portfolio's time zone ($timezone). Its txn_id is the
-- balance transaction's id (txn_...), with ':fee' for the fee line: an export downloaded again,
-- or one that overlaps, repeats ids the loader counts as duplicates.
create or replace temp table stripe_rows (
    line bigint,
    id varchar,
    type varchar,
    source varchar,
    amount varchar,
    fee varchar,
    net varchar,
    currency varchar,
    created varchar,
    description varchar
);

insert into stripe_rows by name
select * from file_rows;

create or replace temp table stripe_parsed as
with parsed as (
    select
        *,
        lower(type) as kind,
        try_strptime(
            created,
            ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S']
        ) as created_utc,
        amount_parts(amount, '.') as amount_written,
        amount_parts(fee, '.') as fee_written,
        amount_parts(net, '.') as net_written
    from stripe_rows
),

valued as (
    select
        *,
        ((created_utc at time zone 'UTC') at time zone $timezone)::date as day,
        written_amount(amount_written, '.') as amount_value,
        coalesce(written_amount(fee_written, '.'), 0) as fee_value,
        written_amount(net_written, '.') as net_value
    from parsed
),

-- the first problem of each row, in the order the columns are read
checked as (
    select
        *,
        case
            when id is null then [$id_column, null, 'missing value: ' || $id_column || ' is empty']
            when type is null
                then [$type_column, null, 'missing value: ' || $type_column || ' is empty']
            when created is null
                then [$created_column, null, 'missing value: ' || $created_column || ' is empty']
            when created_utc is null then [
                $created_column,
                created,
                'expected a time in UTC such as 2026-10-31 23:59 or 2026-10-31 23:59:59'
            ]
            when currency is null
                then [$currency_column, null, 'missing value: ' || $currency_column || ' is empty']
            when upper(currency) <> upper($currency) then [
                $currency_column,
                currency,
                'expected ' || upper($currency) || ', the portfolio''s currency (reporting.yaml '
                    || 'currency): an amount in ' || upper(currency) || ' cannot be added to the others'
            ]
            when amount is null
                then [$amount_column, null, 'missing value: ' || $amount_column || ' is empty']
            when not is_written_amount(amount_written) then [
                $amount_column,
                amount,
                'expected an amount with at most 2 decimals, such as 1,234.56 or -12.00'
            ]
            when fee is not null and not is_written_amount(fee_written) then [
                $fee_column,
                fee,
                'expected an amount with at most 2 decimals, such as 3.20 or -0.30'
            ]
            when amount_value is null then [
                $amount_column, amount, 'expected an amount of at most 999,999,999.99 in absolute value'
            ]
            when fee is not null and written_amount(fee_written, '.') is null then [
                $fee_column, fee, 'expected an amount of at most 999,999,999.99 in absolute value'
            ]
            when net is not null and not is_written_amount(net_written) then [
                $net_column,
                net,
                'expected an amount with at most 2 decimals, such as 96.80'
            ]
            when net is not null and net_value <> amount_value - fee_value then [
                $net_column,
                net,
                'expected ' || $net_column || ' = ' || $amount_column || ' - '
                    || coalesce($fee_column, 'Fee') || ' (' || amount_value::varchar || ' - '
                    || fee_value::varchar || ' = ' || (amount_value - fee_value)::varchar || ')'
            ]
        end as problem,
        case
            when kind in ('charge', 'payment', 'refund', 'payment_refund') then $revenue_account
            when starts_with(kind, 'payout') then $payout_account
            when kind in ('stripe_fee', 'fee', 'tax_fee') then $fee_account
        end as account_code
    from valued
)

select
    line,
    id,
    kind,
    day,
    amount_value,
    fee_value,
    description,
    account_code,
    problem,
    to_json(struct_pack(
        id := id, type := type, source := source, amount := amount, fee := fee, net := net,
        currency := currency, created := created, description := description
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
from stripe_parsed
where problem is not null;

insert into imported by name
with good as (
    select * from stripe_parsed where problem is null
),

movements as (
    -- the gross movement
    select
        line,
        0 as part,
        id as txn_id,
        day,
        account_code,
        amount_value as amount,
        description,
        null as counterparty
    from good

    union all

    -- Stripe's fee, money out of the balance (a fee given back on a refund is money in)
    select
        line,
        1 as part,
        id || ':fee' as txn_id,
        day,
        $fee_account as account_code,
        -fee_value as amount,
        'Stripe fee: ' || coalesce(description, kind) as description,
        'Stripe' as counterparty
    from good
    where fee_value <> 0
)

select
    $source_file as source_file,
    $entity_id as entity_id,
    line,
    part,
    txn_id,
    strftime(day, '%Y-%m-%d') as date,
    account_code,
    amount::varchar as amount,
    description,
    counterparty
from movements
