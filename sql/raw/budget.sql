-- raw.budget: the owner's budget lines, one per entity, month (or year) and profit-and-loss line.
select
    -- where it came from
    source_file,
    line,
    -- the line budgeted: a metric of metrics.monthly_pnl, or an account of the chart
    entity as entity_id,
    as_period_year(month) as year,
    -- NULL for an annual target (the month cell held a year)
    as_period_month(month) as month,
    as_choice(metric) as metric,
    account_code,
    -- the amount, revenue and costs both positive
    as_money(amount) as amount
from stage
anti join load_quarantine using (source_file, line, part)
order by source_file, line
