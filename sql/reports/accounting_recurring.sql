-- The recurring payments of the report month ($month): the $limit most costly a year, and every
-- one that is new this month, with how many there are in all (payments).
with recurring as (
    select
        recurring.entity_id,
        entities.name,
        recurring.counterparty,
        recurring.account_code,
        recurring.monthly_amount,
        recurring.annualized_cost,
        recurring.months_running,
        recurring.running_since,
        recurring.new_recurring,
        count(*) over () as payments,
        row_number() over (
            order by recurring.annualized_cost desc, entities.name, recurring.counterparty
        ) as cost_rank
    from metrics.recurring_payments as recurring
    inner join config.entities as entities using (entity_id)
    where recurring.month = $month
)

select *
from recurring
where cost_rank <= $limit or new_recurring
order by cost_rank
