-- metrics.receivables_monthly: each invoicing entity's receivables at the end of each month of its
-- series: the aging buckets, what is overdue, days sales outstanding, hours billed and unbilled,
-- and the effective hourly rate of the trailing 12 months.
-- owner: ceo
-- grain: entity_id, month
with invoicing_entities as (
    select distinct entity_id
    from raw.invoices
),

aging as (
    select
        entity_id,
        month,
        sum(open_balance) as receivables,
        sum(open_balance) filter (where aging_bucket = 'current') as ar_current,
        sum(open_balance) filter (where aging_bucket = '1-30') as ar_1_30,
        sum(open_balance) filter (where aging_bucket = '31-60') as ar_31_60,
        sum(open_balance) filter (where aging_bucket = '61-90') as ar_61_90,
        sum(open_balance) filter (where aging_bucket = 'over 90') as ar_over_90,
        count(*) filter (where days_past_due > 0) as overdue_invoices,
        max(days_past_due) as oldest_days_past_due
    from metrics.receivables_invoices
    group by entity_id, month
),

-- An invoice of 0.00 records hours worked but not billed; every other invoice bills its hours.
invoices as (
    select
        entity_id,
        issued_on,
        amount,
        coalesce(hours, 0) as hours,
        amount = 0 as unbilled,
        hours is not null as has_hours
    from raw.invoices
),

-- Billing by issue date, over windows of whole months ending with the month: the month itself,
-- the last 3 months (days sales outstanding) and the last 12 (the effective rate). Invoices
-- issued before the series starts count too: they are part of the window.
billing as (
    select
        months.entity_id,
        months.month,
        coalesce(sum(invoices.amount) filter (where invoices.issued_on >= months.month), 0)
            as billed,
        coalesce(sum(invoices.hours) filter (
            where invoices.issued_on >= months.month and not invoices.unbilled
        ), 0) as billed_hours,
        coalesce(sum(invoices.hours) filter (
            where invoices.issued_on >= months.month and invoices.unbilled
        ), 0) as unbilled_hours,
        coalesce(sum(invoices.amount) filter (
            where invoices.issued_on >= months.month - interval 2 month
        ), 0) as billed_3m,
        -- the rate counts only invoices that record their hours: an amount without hours would
        -- raise it for nothing
        sum(invoices.amount) filter (where invoices.has_hours) as amount_with_hours_12m,
        sum(invoices.hours) as hours_12m
    from metrics.entity_months as months
    inner join invoices
        on invoices.entity_id = months.entity_id
        and invoices.issued_on between months.month - interval 11 month and months.month_end
    group by months.entity_id, months.month
),

series as (
    select
        months.entity_id,
        months.month,
        -- the days of the 3-month window, for days sales outstanding
        months.month_end - (months.month - interval 2 month)::date + 1 as days_3m,
        coalesce(aging.receivables, 0)::decimal(18, 2) as receivables,
        coalesce(aging.ar_current, 0)::decimal(18, 2) as ar_current,
        coalesce(aging.ar_1_30, 0)::decimal(18, 2) as ar_1_30,
        coalesce(aging.ar_31_60, 0)::decimal(18, 2) as ar_31_60,
        coalesce(aging.ar_61_90, 0)::decimal(18, 2) as ar_61_90,
        coalesce(aging.ar_over_90, 0)::decimal(18, 2) as ar_over_90,
        coalesce(aging.overdue_invoices, 0) as overdue_invoices,
        aging.oldest_days_past_due,
        coalesce(billing.billed, 0)::decimal(18, 2) as billed,
        coalesce(billing.billed_3m, 0)::decimal(18, 2) as billed_3m,
        coalesce(billing.billed_hours, 0)::decimal(18, 2) as billed_hours,
        coalesce(billing.unbilled_hours, 0)::decimal(18, 2) as unbilled_hours,
        billing.amount_with_hours_12m,
        billing.hours_12m
    from metrics.entity_months as months
    inner join invoicing_entities using (entity_id)
    left join aging using (entity_id, month)
    left join billing using (entity_id, month)
)

select
    entity_id,
    month,
    receivables,
    ar_current,
    ar_1_30,
    ar_31_60,
    ar_61_90,
    ar_over_90,
    (receivables - ar_current)::decimal(18, 2) as overdue_balance,
    overdue_invoices,
    oldest_days_past_due,
    billed,
    billed_3m,
    -- nothing billed in three months: no sales to measure the receivables against
    case when billed_3m > 0 then (receivables / billed_3m * days_3m)::double end as dso,
    billed_hours,
    unbilled_hours,
    -- billed amount per hour worked, unbilled hours included: what the work really earned
    case
        when hours_12m > 0 then round(amount_with_hours_12m / hours_12m, 2)::decimal(18, 2)
    end as effective_rate
from series
order by entity_id, month
