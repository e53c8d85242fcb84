-- The accounting figures of each configured entity for one report month ($month, a DATE on the
-- 1st): revenue recognition, chart-of-accounts and expense-audit issues open at the month end,
-- with last month's deferred revenue. One row per configured entity, also when it has no data.
with months as (
    select entity_id, month_end
    from metrics.entity_months
    where month = $month
),

bookings_files as (
    select distinct entity_id
    from ingest.file_loads
    where table_name = 'bookings'
),

recognition as (
    select
        monthly.entity_id,
        deferred.deferred_balance,
        monthly.prepaid_in_revenue,
        monthly.prepaid_bookings,
        monthly.unreturned_cash,
        monthly.unreturned_bookings
    from metrics.revenue_recognition_monthly as monthly
    inner join metrics.deferred_revenue as deferred using (entity_id, month)
    where monthly.month = $month
),

last_month as (
    select entity_id, deferred_balance as prev_deferred_balance
    from metrics.deferred_revenue
    where month = $month - interval 1 month
),

-- Imported lines no mapping rule matched carry the uncategorized code, which the chart does not
-- have: the verdict asks for rules for them, and counts only the other lines of a code missing
-- from the chart as such.
uncategorized_codes as (
    select
        entity_id,
        account_code,
        count(*) as lines,
        min(rules_file) as rules_file
    from metrics.uncategorized_lines
    where month <= $month
    group by entity_id, account_code
),

uncategorized as (
    select
        entity_id,
        sum(lines) as uncategorized_lines,
        min(rules_file) as uncategorized_rules_file
    from uncategorized_codes
    group by entity_id
),

unmapped as (
    select
        unmapped.entity_id,
        count(*) filter (where unmapped.lines_to_date > coalesce(codes.lines, 0)) as unmapped_codes,
        sum(unmapped.lines_to_date - coalesce(codes.lines, 0)) as unmapped_lines,
        string_agg(unmapped.account_code, ', ' order by unmapped.account_code)
            filter (where unmapped.lines_to_date > coalesce(codes.lines, 0)) as unmapped_list
    from metrics.chart_unmapped_accounts as unmapped
    left join uncategorized_codes as codes using (entity_id, account_code)
    where unmapped.month = $month
    group by unmapped.entity_id
),

misused as (
    select entity_id, count(*) as misused_accounts
    from metrics.chart_misused_accounts
    where month = $month
    group by entity_id
),

expense as (
    select
        entity_id,
        count(*) filter (where rule <> 'outlier') as expense_flags,
        coalesce(sum(amount) filter (where rule <> 'outlier'), 0) as expense_flag_amount,
        count(*) filter (where rule = 'outlier') as expense_outliers,
        count(*) as expense_findings,
        coalesce(sum(amount), 0) as expense_finding_amount
    from metrics.expense_findings
    where month = $month
    group by entity_id
),

-- deferred revenue and receivables of every booking and invoice, on the entity's basis: the
-- figures metrics.revenue bridges cash received with
on_basis as (
    select entity_id, basis, deferred_revenue, receivables_owed
    from metrics.revenue
    where month = $month
),

as_of as (
    select entity_id, max(date) as last_ledger_date
    from raw.ledger
    group by entity_id
)

select
    entities.entity_id,
    entities.name,
    months.month_end is not null as has_month,
    as_of.last_ledger_date,
    bookings_files.entity_id is not null as has_bookings,
    recognition.deferred_balance,
    on_basis.basis,
    on_basis.deferred_revenue,
    on_basis.receivables_owed,
    last_month.prev_deferred_balance,
    (recognition.deferred_balance - last_month.prev_deferred_balance)::decimal(18, 2)
        as deferred_change,
    recognition.prepaid_in_revenue,
    recognition.prepaid_bookings,
    recognition.unreturned_cash,
    recognition.unreturned_bookings,
    coalesce(unmapped.unmapped_codes, 0) as unmapped_codes,
    coalesce(unmapped.unmapped_lines, 0) as unmapped_lines,
    unmapped.unmapped_list,
    coalesce(uncategorized.uncategorized_lines, 0) as uncategorized_lines,
    uncategorized.uncategorized_rules_file,
    coalesce(misused.misused_accounts, 0) as misused_accounts,
    coalesce(expense.expense_flags, 0) as expense_flags,
    coalesce(expense.expense_flag_amount, 0)::decimal(18, 2) as expense_flag_amount,
    coalesce(expense.expense_outliers, 0) as expense_outliers,
    coalesce(expense.expense_findings, 0) as expense_findings,
    coalesce(expense.expense_finding_amount, 0)::decimal(18, 2) as expense_finding_amount
from config.entities as entities
left join months using (entity_id)
left join bookings_files using (entity_id)
left join recognition using (entity_id)
left join last_month using (entity_id)
left join unmapped using (entity_id)
left join uncategorized using (entity_id)
left join misused using (entity_id)
left join expense using (entity_id)
left join as_of using (entity_id)
left join on_basis using (entity_id)
-- the entities with most to fix first
order by
    coalesce(recognition.prepaid_in_revenue, 0) + coalesce(recognition.unreturned_cash, 0) desc,
    coalesce(unmapped.unmapped_codes, 0) + coalesce(misused.misused_accounts, 0)
        + (coalesce(uncategorized.uncategorized_lines, 0) > 0)::integer desc,
    coalesce(expense.expense_findings, 0) desc,
    entities.name
