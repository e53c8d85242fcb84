-- metrics.recurring_payments: recurring payments (subscriptions, rent, retainers), one row per
-- entity, month and counterparty paid in each of the last recurring_min_months months up to and
-- including this one, every one of those months within 10% of their median.
-- owner: accounting
-- grain: entity_id, month, counterparty
with spending as (
    -- reviewed spending as in metrics.expense_flags: money out on cost accounts or on codes
    -- missing from the chart (no type); a payment without a counterparty cannot recur to anyone
    select
        entity_id,
        month,
        counterparty,
        account_code,
        amount
    from metrics.ledger_lines
    where amount < 0
        and counterparty is not null
        and (account_type in ('cogs', 'expense') or account_type is null)
),

monthly as (
    select
        entity_id,
        counterparty,
        month,
        -sum(amount) as monthly_amount,
        -- the account of the month's largest payment names where the cost is booked
        arg_min(account_code, amount) as account_code
    from spending
    group by entity_id, counterparty, month
),

-- Runs of consecutive months with a payment: months minus their rank is constant along a run.
runs as (
    select
        *,
        year(month) * 12 + month(month)
            - row_number() over (partition by entity_id, counterparty order by month) as run_id
    from monthly
),

running as (
    select
        *,
        row_number() over (partition by entity_id, counterparty, run_id order by month)
            as months_running,
        min(month) over (partition by entity_id, counterparty, run_id) as running_since
    from runs
),

-- the last recurring_min_months months of a run long enough, with the median of their amounts
windowed as (
    select
        current_month.entity_id,
        current_month.counterparty,
        current_month.month,
        previous.monthly_amount as window_amount,
        median(previous.monthly_amount::decimal(38, 3)) over (
            partition by current_month.entity_id, current_month.counterparty, current_month.month
        ) as median_exact
    from running as current_month
    cross join config.parameters as parameters
    inner join monthly as previous
        on current_month.entity_id = previous.entity_id
        and current_month.counterparty = previous.counterparty
        and previous.month <= current_month.month
        and previous.month > current_month.month - to_months(parameters.recurring_min_months)
    where current_month.months_running >= parameters.recurring_min_months
),

-- within 10% of the median, both ways, in every month of the window
steady as (
    select
        entity_id,
        counterparty,
        month
    from windowed
    group by entity_id, counterparty, month
    having bool_and(abs(window_amount - median_exact) <= 0.10 * median_exact)
),

recurring as (
    select running.*
    from running
    inner join steady using (entity_id, counterparty, month)
)

select
    recurring.entity_id,
    recurring.month,
    recurring.counterparty,
    recurring.account_code,
    recurring.monthly_amount::decimal(18, 2) as monthly_amount,
    (recurring.monthly_amount * 12)::decimal(18, 2) as annualized_cost,
    recurring.months_running::integer as months_running,
    recurring.running_since,
    -- new: it was not a recurring payment the month before
    previous.month is null as new_recurring
from recurring
left join recurring as previous
    on recurring.entity_id = previous.entity_id
    and recurring.counterparty = previous.counterparty
    and previous.month = recurring.month - interval 1 month
order by recurring.entity_id, recurring.month, recurring.counterparty
