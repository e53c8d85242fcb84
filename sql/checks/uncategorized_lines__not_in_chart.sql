-- The uncategorized account is no account of the chart, so its lines stay visible.
-- An imported line no mapping rule matched carries accounting.uncategorized_account; when the chart
-- of accounts has that code, the line silently counts as that account's cost and the accounting
-- report's unmapped accounts do not list it. A row here is such a line: take the code out of the
-- chart, or set accounting.uncategorized_account to a code the chart does not have.
select
    uncategorized.entity_id,
    uncategorized.source_file,
    uncategorized.line,
    uncategorized.account_code,
    accounts.name as account_name,
    uncategorized.rules_file
from metrics.uncategorized_lines as uncategorized
inner join raw.chart_of_accounts as accounts on accounts.code = uncategorized.account_code
order by uncategorized.entity_id, uncategorized.source_file, uncategorized.line
