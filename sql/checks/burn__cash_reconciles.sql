-- Cash at the end of each entity's last month equals its opening cash plus every ledger line it
-- has: each row here is an entity whose cash does not reconcile (or has no burn rows at all).
with ledger_cash as (
    select
        entities.entity_id,
        entities.opening_cash + sum(ledger.amount) as expected_cash_end
    from config.entities as entities
    inner join raw.ledger as ledger using (entity_id)
    group by entities.entity_id, entities.opening_cash
),

last_month as (
    select
        entity_id,
        month,
        cash_end
    from metrics.burn
    qualify row_number() over (partition by entity_id order by month desc) = 1
)

select
    ledger_cash.entity_id,
    last_month.month as last_month,
    last_month.cash_end,
    ledger_cash.expected_cash_end,
    last_month.cash_end - ledger_cash.expected_cash_end as difference
from ledger_cash
left join last_month using (entity_id)
where last_month.cash_end is distinct from ledger_cash.expected_cash_end
order by ledger_cash.entity_id
