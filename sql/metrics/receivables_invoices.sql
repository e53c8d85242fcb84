-- metrics.receivables_invoices: the receivables aging, one row per invoice with money still owed
-- at the end of a month of its entity's series: the open balance, days past due and aging bucket.
-- owner: ceo
-- grain: entity_id, month, invoice_id
with invoices as (
    -- A payment counts from its date on. A payment date without an amount is a payment in full;
    -- a partial payment leaves the rest open; more than the invoice leaves nothing open.
    select
        entity_id,
        invoice_id,
        client,
        issued_on,
        due_on,
        amount,
        paid_on,
        case when paid_on is not null then coalesce(paid_amount, amount) end as paid_amount
    from raw.invoices
    where amount > 0
),

-- At each month end: the invoices issued by then, less what was paid by then.
open_at_month_end as (
    select
        months.entity_id,
        months.month,
        invoices.invoice_id,
        invoices.client,
        invoices.issued_on,
        invoices.due_on,
        invoices.amount as invoice_amount,
        greatest(
            invoices.amount
            - case when invoices.paid_on <= months.month_end then invoices.paid_amount else 0 end,
            0
        )::decimal(18, 2) as open_balance,
        -- counted from the due date: due on the month's last day is 0 days, still current
        greatest(months.month_end - invoices.due_on, 0) as days_past_due
    from metrics.entity_months as months
    inner join invoices
        on invoices.entity_id = months.entity_id
        and invoices.issued_on <= months.month_end
)

select
    entity_id,
    month,
    invoice_id,
    client,
    issued_on,
    due_on,
    invoice_amount,
    open_balance,
    days_past_due,
    case
        when days_past_due = 0 then 'current'
        when days_past_due <= 30 then '1-30'
        when days_past_due <= 60 then '31-60'
        when days_past_due <= 90 then '61-90'
        else 'over 90'
    end as aging_bucket
from open_at_month_end
where open_balance > 0
order by entity_id, month, days_past_due desc, invoice_id
