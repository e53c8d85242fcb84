-- Each entity's revenue of one report month ($month) on its basis, as the lines of a bridge from
-- the cash it received (metrics.revenue): cash received, then on the accrual basis the change in
-- deferred revenue (paid ahead, taken off; earned from earlier payments, added) and in
-- receivables (earned and not yet paid, added; paid for earlier months, taken off), each line
-- only when it is not zero, ending on "Revenue (<basis> basis)", metrics.revenue's revenue; then
-- the portfolio's (is_total), each line added up, ending on "Revenue (each entity's basis)". An
-- entity whose cash received is its revenue has no rows of its own (it is in the portfolio's). The amounts add up to the last line (metrics.revenue's bridge_closes check).
with revenue as (
    select
        revenue.*,
        entities.name
    from metrics.revenue as revenue
    inner join config.entities as entities using (entity_id)
    where revenue.month = $month
),

lines as (
    select entity_id, name, 1 as step, 'Cash received' as line, cash_received as amount
    from revenue
    union all
    select
        entity_id,
        name,
        2,
        case when deferred_change > 0
            then 'Less: paid ahead, not yet earned'
            else 'Plus: earned, paid before'
        end,
        -deferred_change
    from revenue
    where basis = 'accrual' and deferred_change <> 0
    union all
    select
        entity_id,
        name,
        3,
        case when receivables_change > 0
            then 'Plus: earned, not yet paid'
            else 'Less: paid, earned before'
        end,
        receivables_change
    from revenue
    where basis = 'accrual' and receivables_change <> 0
    union all
    select entity_id, name, 4, 'Revenue (' || basis || ' basis)', revenue
    from revenue
),

-- the portfolio: each line added up over the entities, ending on the sum of their revenue,
-- each on its own basis
portfolio as (
    select
        null as entity_id,
        'Portfolio' as name,
        step,
        case when step = 4 then 'Revenue (each entity''s basis)' else line end as line,
        sum(amount) as amount
    from lines
    group by all
),

-- an entity whose cash received is its revenue (every cash-basis entity, and an accrual one in a
-- month without timing differences) needs no bridge: its two rows would say the same figure twice
bridged as (
    select lines.*
    from lines
    inner join revenue using (entity_id)
    where revenue.cash_received <> revenue.revenue
)

select false as is_total, entity_id, name, step, line, amount::decimal(18, 2) as amount
from bridged
union all
select true, entity_id, name, step, line, amount::decimal(18, 2)
from portfolio
order by is_total, name, step, line
