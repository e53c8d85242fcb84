-- raw.invoices: client invoices that met the input contract.
select
    -- where it came from
    entity_id,
    source_file,
    line,
    -- the invoice
    invoice_id,
    client,
    as_date(issued_on) as issued_on,
    as_date(due_on) as due_on,
    as_money(amount) as amount,
    as_date(paid_on) as paid_on,
    as_money(paid_amount) as paid_amount,
    as_decimal(hours) as hours
from stage
anti join load_quarantine using (source_file, line, part)
order by entity_id, line
