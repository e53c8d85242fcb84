-- metrics.expense_flags: money-out lines an accountant should look at, one row per line and rule
-- it breaks: possible duplicates, weekend spending, round amounts and unmapped accounts.
-- owner: accounting
-- grain: entity_id, txn_id, rule
-- Spending only: owner money, loans, asset purchases and refunds to customers are not expenses,
-- but a line on an unknown account (a code missing from the chart has no type) might be one, so
-- it is reviewed too.
with spending as (
    select *
    from metrics.ledger_lines
    where amount < 0
        and (account_type in ('cogs', 'expense') or account_type is null)
),

-- Stripe's fee on a customer's payment (the line the Stripe importer splits off a charge, txn_id
-- `<id>:fee`) is taken when the customer pays, at a price set by the payment: the same fee twice
-- in three days is two sales of the same price, a fee on a Saturday a Saturday sale. Neither is a
-- spending decision, so the duplicate and weekend rules leave them out (decision 30).
withheld_fees as (
    select
        ledger.entity_id,
        ledger.txn_id
    from raw.ledger as ledger
    inner join ingest.file_loads as loads
        on loads.table_name = 'ledger'
        and loads.source_file = ledger.source_file
    where loads.source_format = 'stripe_balance'
        and ledger.txn_id like '%:fee'
),

decided as (
    select *
    from spending
    anti join withheld_fees using (entity_id, txn_id)
),

-- The later of two matching payments at most 3 days apart is the suspect one; the file's line
-- order breaks ties on the same day. Of several earlier matches the nearest is named.
duplicate as (
    select
        later.*,
        'duplicate' as rule,
        'same amount to ' || later.counterparty || ' on ' || strftime(earlier.date, '%Y-%m-%d')
            || ' (txn ' || earlier.txn_id || ')' as detail
    from decided as later
    inner join decided as earlier
        on earlier.entity_id = later.entity_id
        and earlier.counterparty = later.counterparty
        and earlier.amount = later.amount
        and earlier.date between later.date - 3 and later.date
        and (earlier.date < later.date or earlier.line < later.line)
    qualify row_number() over (
        partition by later.entity_id, later.txn_id
        order by earlier.date desc, earlier.line desc
    ) = 1
),

weekend as (
    select
        *,
        'weekend' as rule,
        'paid on a ' || dayname(date) as detail
    from decided
    where isodow(date) in (6, 7)
),

-- A round sum that recurs in other months (rent, a retainer) is routine; one that does not is
-- worth a look. Any payment of that amount to the counterparty counts, whatever its account.
round_amount as (
    select
        *,
        'round_amount' as rule,
        'round amount ' || format('{:,.2f}', -amount)
            || ' not paid to this counterparty in any other month' as detail
    from spending
    where -amount >= 1000
        and amount % 100 = 0
        and not exists (
            select 1
            from metrics.ledger_lines as other
            where other.entity_id = spending.entity_id
                and other.counterparty = spending.counterparty
                and other.amount = spending.amount
                and other.month <> spending.month
        )
),

unmapped_account as (
    select
        *,
        'unmapped_account' as rule,
        'account ' || account_code || ' is not in the chart of accounts' as detail
    from spending
    where account_type is null
),

flags as (
    select * from duplicate
    union all by name
    select * from weekend
    union all by name
    select * from round_amount
    union all by name
    select * from unmapped_account
)

select
    entity_id,
    txn_id,
    rule,
    detail,
    date,
    amount,
    counterparty,
    account_code,
    month
from flags
order by entity_id, date, line, rule
