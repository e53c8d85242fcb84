-- metrics.findings: every finding of every report, one row per finding and report month in which
-- it is open: expense flags, stack findings, revenue-recognition issues, overdue invoices. Each
-- source relation has these columns, and may name what the finding is about (component, client,
-- invoice_id) and whether customers see it (faces_customers): see docs/metrics.md, "Findings".
-- owner: ceo
with every_source as (
    select * from metrics.expense_findings
    -- Each source adds itself here as one more `union all by name select * from metrics.<source>`:
    union all by name select * from metrics.stack_findings
    union all by name select * from metrics.revenue_recognition_findings
    union all by name select * from metrics.chart_findings
    union all by name select * from metrics.invoice_findings
)

-- a source that does not say whether customers see its findings: they are the staff's to see
select * replace (coalesce(faces_customers, false) as faces_customers)
from every_source
