-- The hours one entity ($entity_id) worked but did not bill in the report month ($month): its
-- invoices of 0.00 issued in the month, most hours first.
select
    invoice_id,
    client,
    issued_on,
    coalesce(hours, 0)::decimal(18, 2) as unbilled_hours
from raw.invoices
where entity_id = $entity_id
    and amount = 0
    and date_trunc('month', issued_on) = $month
order by unbilled_hours desc, client, invoice_id
