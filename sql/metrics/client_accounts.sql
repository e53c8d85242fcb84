-- metrics.client_accounts: each client of an invoicing entity at the end of each month of its
-- series: billing, hours and effective hourly rate over the trailing 12 months, and what the
-- client owes. One row per client invoiced in those 12 months or still owing money.
-- owner: ceo
-- grain: entity_id, month, client
with invoices as (
    select
        entity_id,
        client,
        issued_on,
        amount,
        coalesce(hours, 0) as hours,
        amount = 0 as unbilled,
        hours is not null as has_hours
    from raw.invoices
),

-- The trailing 12 months: invoices issued from the first day of the month eleven months back
-- to the month's last day.
billing as (
    select
        months.entity_id,
        months.month,
        invoices.client,
        sum(invoices.amount) as billed_12m,
        sum(invoices.hours) filter (where not invoices.unbilled) as billed_hours_12m,
        sum(invoices.hours) filter (where invoices.unbilled) as unbilled_hours_12m,
        -- as in metrics.receivables_monthly: only invoices that record hours make the rate
        sum(invoices.amount) filter (where invoices.has_hours) as amount_with_hours,
        sum(invoices.hours) as hours_12m
    from metrics.entity_months as months
    inner join invoices
        on invoices.entity_id = months.entity_id
        and invoices.issued_on between months.month - interval 11 month and months.month_end
    group by all
),

owed as (
    select
        entity_id,
        month,
        client,
        sum(open_balance) as open_balance,
        sum(open_balance) filter (where days_past_due > 0) as overdue_balance,
        max(days_past_due) as oldest_days_past_due
    from metrics.receivables_invoices
    group by entity_id, month, client
)

select
    entity_id,
    month,
    client,
    coalesce(billing.billed_12m, 0)::decimal(18, 2) as billed_12m,
    coalesce(billing.billed_hours_12m, 0)::decimal(18, 2) as billed_hours_12m,
    coalesce(billing.unbilled_hours_12m, 0)::decimal(18, 2) as unbilled_hours_12m,
    case
        when billing.hours_12m > 0
            then round(billing.amount_with_hours / billing.hours_12m, 2)::decimal(18, 2)
    end as effective_rate,
    coalesce(owed.open_balance, 0)::decimal(18, 2) as open_balance,
    coalesce(owed.overdue_balance, 0)::decimal(18, 2) as overdue_balance,
    owed.oldest_days_past_due
from billing
full outer join owed using (entity_id, month, client)
order by entity_id, month, client
