-- Every invoice in the aging owes something and no more than its amount, and sits in the bucket
-- of its days past due: each row here does not.
select
    entity_id,
    month,
    invoice_id,
    invoice_amount,
    open_balance,
    days_past_due,
    aging_bucket
from metrics.receivables_invoices
where not (open_balance > 0 and open_balance <= invoice_amount)
    or days_past_due < 0
    or aging_bucket is distinct from case
        when days_past_due = 0 then 'current'
        when days_past_due <= 30 then '1-30'
        when days_past_due <= 60 then '31-60'
        when days_past_due <= 90 then '61-90'
        else 'over 90'
    end
order by entity_id, month, invoice_id
