-- metrics.balance_reconciliation: the bank statement's closing balance (balances.csv) against
-- the ledger's cash on the same date: one row per entity and statement date. Empty without a
-- balances file.
-- owner: cfo
--
-- Ledger cash counts every ledger line dated on or before the statement date, whatever its
-- account (as metrics.burn's cash_end does), on top of the opening cash of reporting.yaml.
with ledger_days as (
    select
        entity_id,
        date,
        sum(amount) as moved
    from raw.ledger
    group by entity_id, date
),

-- the ledger's running total at the end of each day that has lines
ledger_to_date as (
    select
        entity_id,
        date,
        sum(moved) over (partition by entity_id order by date) as moved_to_date
    from ledger_days
),

reconciled as (
    select
        balances.entity_id,
        balances.date as statement_date,
        balances.balance as statement_balance,
        -- the last day with lines on or before the statement date (none: opening cash only)
        (entities.opening_cash + coalesce(ledger_to_date.moved_to_date, 0))::decimal(18, 2)
            as ledger_cash
    from raw.balances as balances
    inner join config.entities as entities using (entity_id)
    asof left join ledger_to_date
        on balances.entity_id = ledger_to_date.entity_id
        and balances.date >= ledger_to_date.date
)

select
    entity_id,
    date_trunc('month', statement_date)::date as month,
    statement_date,
    statement_balance,
    ledger_cash,
    (statement_balance - ledger_cash)::decimal(18, 2) as difference
from reconciled
order by entity_id, statement_date
