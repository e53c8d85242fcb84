-- The parts of the providers' bills add up to what the ledger shows paid to the stack's providers,
-- to the cent: each row here is an entity month whose components' payments do not.
with providers as (
    select distinct
        entity_id,
        lower(trim(provider)) as provider_key
    from raw.stack
),

ledger as (
    select
        ledger.entity_id,
        date_trunc('month', ledger.date)::date as month,
        -sum(ledger.amount) as paid
    from raw.ledger as ledger
    inner join providers
        on providers.entity_id = ledger.entity_id
        and providers.provider_key = lower(trim(ledger.counterparty))
    where ledger.amount < 0
    group by all
),

allocated as (
    select
        entity_id,
        month,
        coalesce(sum(paid_to_provider), 0) as paid
    from metrics.stack_costs
    group by entity_id, month
)

select
    entity_id,
    month,
    coalesce(ledger.paid, 0) as ledger_paid,
    coalesce(allocated.paid, 0) as allocated_paid
from ledger
full outer join allocated using (entity_id, month)
where coalesce(ledger.paid, 0) <> coalesce(allocated.paid, 0)
order by entity_id, month
