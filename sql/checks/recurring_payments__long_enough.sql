-- A recurring payment has run for at least recurring_min_months months, since running_since, and
-- costs twelve times its month a year: each row here does not.
select
    recurring.entity_id,
    recurring.month,
    recurring.counterparty,
    recurring.months_running,
    recurring.running_since,
    recurring.monthly_amount,
    recurring.annualized_cost
from metrics.recurring_payments as recurring
cross join config.parameters as parameters
where recurring.months_running < parameters.recurring_min_months
    or recurring.running_since + to_months(recurring.months_running - 1) <> recurring.month
    or recurring.annualized_cost <> recurring.monthly_amount * 12
    or not recurring.monthly_amount > 0
order by recurring.entity_id, recurring.month, recurring.counterparty
