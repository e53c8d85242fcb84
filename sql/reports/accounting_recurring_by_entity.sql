-- The recurring payments of the report month ($month) per entity, with the portfolio total as
-- the last row (is_total): how many, how many new, and what they cost a month and a year.
with by_entity as (
    select
        entities.entity_id,
        entities.name,
        count(*)::integer as payments,
        count(*) filter (where recurring.new_recurring)::integer as new_payments,
        sum(recurring.monthly_amount)::decimal(18, 2) as monthly_amount,
        sum(recurring.annualized_cost)::decimal(18, 2) as annualized_cost
    from metrics.recurring_payments as recurring
    inner join config.entities as entities using (entity_id)
    where recurring.month = $month
    group by grouping sets ((entities.entity_id, entities.name), ())
)

select
    entity_id,
    coalesce(name, 'Portfolio') as name,
    name is null as is_total,
    payments,
    new_payments,
    monthly_amount,
    annualized_cost
from by_entity
order by is_total, annualized_cost desc, name
