-- The invoices of one entity ($entity_id) with money owed at the end of the report month
-- ($month), the longest overdue first.
select *
from metrics.receivables_invoices
where entity_id = $entity_id and month = $month
order by days_past_due desc, open_balance desc, invoice_id
