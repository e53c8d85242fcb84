-- metrics.stack_costs: one row per entity, component of its stack.csv and month of the entity's
-- series: what the component cost that month (paid to its provider per the ledger, or the
-- monthly cost stack.csv lists when no ledger line names the provider) and the change against
-- three months before.
-- owner: cto
with components as (
    select
        entity_id,
        component,
        provider,
        monthly_cost as listed_monthly_cost,
        -- the ledger's counterparty names the provider, give or take case and spaces
        lower(trim(provider)) as provider_key
    from raw.stack
),

-- components sharing a provider within an entity share its bill: each takes a part in
-- proportion to its listed monthly cost (equal parts when every one is listed at 0)
shares as (
    select
        *,
        case
            when sum(listed_monthly_cost) over provider_bill > 0 then listed_monthly_cost else 1
        end as weight
    from components
    window provider_bill as (partition by entity_id, provider_key)
),

cumulative as (
    select
        *,
        sum(weight) over (
            partition by entity_id, provider_key order by component
            rows between unbounded preceding and current row
        ) as weight_through,
        sum(weight) over (partition by entity_id, provider_key) as weight_total
    from shares
),

-- money out to each provider of the stack, per entity and month (the ledger is signed from the
-- bank's view: a payment is negative, whatever account it is booked on)
ledger as (
    select
        entity_id,
        lower(trim(counterparty)) as provider_key,
        date_trunc('month', date)::date as month,
        amount
    from raw.ledger
    where amount < 0
),

payments as (
    select
        entity_id,
        provider_key,
        month,
        -sum(amount) as paid
    from ledger
    semi join components using (entity_id, provider_key)
    group by all
),

-- a component has a cost history when any ledger line, in any month, names its provider
history as (
    select distinct entity_id, provider_key
    from payments
),

-- each component's part of the month's bill: the rounded running share minus the one before
-- it, so the parts add up to the bill to the cent
allocated as (
    select
        months.entity_id,
        months.month,
        cumulative.component,
        cumulative.provider,
        cumulative.listed_monthly_cost,
        history.provider_key is not null as has_history,
        coalesce(payments.paid, 0) as paid,
        case
            when cumulative.weight_through = cumulative.weight_total
                then coalesce(payments.paid, 0)
            else round(
                coalesce(payments.paid, 0) * cumulative.weight_through / cumulative.weight_total, 2
            )::decimal(18, 2)
        end as paid_through,
        case
            when cumulative.weight_through = cumulative.weight
                then 0
            else round(
                coalesce(payments.paid, 0) * (cumulative.weight_through - cumulative.weight)
                / cumulative.weight_total,
                2
            )::decimal(18, 2)
        end as paid_before
    from cumulative
    inner join metrics.entity_months as months using (entity_id)
    left join history using (entity_id, provider_key)
    left join payments
        on payments.entity_id = cumulative.entity_id
        and payments.provider_key = cumulative.provider_key
        and payments.month = months.month
),

costs as (
    select
        entity_id,
        month,
        component,
        provider,
        listed_monthly_cost,
        case
            when has_history then (paid_through - paid_before)::decimal(18, 2)
        end as paid_to_provider,
        -- no ledger history: the listed monthly cost is the best figure there is
        case
            when has_history then (paid_through - paid_before)::decimal(18, 2)
            else listed_monthly_cost
        end as software_cost
    from allocated
),

-- the same component three months earlier, when that month is in the entity's series
compared as (
    select
        costs.*,
        earlier.paid_to_provider as software_cost_3m_before
    from costs
    left join costs as earlier
        on earlier.entity_id = costs.entity_id
        and earlier.component = costs.component
        and earlier.month = (costs.month - interval 3 month)::date
)

select
    entity_id,
    month,
    component,
    provider,
    listed_monthly_cost,
    paid_to_provider,
    software_cost,
    software_cost_3m_before,
    (software_cost - software_cost_3m_before)::decimal(18, 2) as software_cost_change,
    case
        when paid_to_provider is null then 'no history'
        when software_cost_3m_before is null then 'too recent'
        when software_cost_3m_before = 0 and software_cost > 0 then 'new'
        when software_cost = 0 and software_cost_3m_before > 0 then 'stopped'
        when software_cost > software_cost_3m_before then 'up'
        when software_cost < software_cost_3m_before then 'down'
        else 'flat'
    end as cost_trend
from compared
order by entity_id, month, component
