-- An invoice is in a month's aging once: each row here is an invoice listed twice.
select
    entity_id,
    month,
    invoice_id,
    count(*) as row_count
from metrics.receivables_invoices
group by entity_id, month, invoice_id
having count(*) > 1
order by entity_id, month, invoice_id
