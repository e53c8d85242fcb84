-- metrics.findings: every finding of every report, one row per finding and report month in which
-- it is open: expense flags, stack findings, revenue-recognition issues, overdue invoices. Each
-- source relation has exactly these columns (see docs/metrics.md, "Findings").
-- owner: ceo
select * from metrics.expense_findings
-- Each source adds itself here as one more `union all by name select * from metrics.<source>`:
union all by name select * from metrics.stack_findings
union all by name select * from metrics.revenue_recognition_findings
union all by name select * from metrics.chart_findings
union all by name select * from metrics.invoice_findings
