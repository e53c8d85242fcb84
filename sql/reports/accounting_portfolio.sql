-- The portfolio's accounting headline figures for one report month ($month): deferred revenue,
-- the revenue-recognition amounts and the counts of open findings by source. Every value is empty
-- when no entity has the month in its series (so the month before the data shows no change).
with months as (
    select entity_id
    from metrics.entity_months
    where month = $month
),

recognition as (
    select
        sum(deferred.deferred_balance) as deferred_balance,
        sum(monthly.prepaid_in_revenue) as prepaid_in_revenue,
        sum(monthly.prepaid_bookings) as prepaid_bookings,
        sum(monthly.unreturned_cash) as unreturned_cash,
        sum(monthly.unreturned_bookings) as unreturned_bookings
    from metrics.revenue_recognition_monthly as monthly
    inner join metrics.deferred_revenue as deferred using (entity_id, month)
    where monthly.month = $month
),

last_month as (
    select sum(deferred_balance) as prev_deferred_balance
    from metrics.deferred_revenue
    where month = $month - interval 1 month
),

findings as (
    select
        count(*) filter (where source = 'revenue_recognition') as revenue_recognition_findings,
        count(*) filter (where source = 'chart') as chart_findings,
        count(*) filter (where source = 'expense') as expense_findings,
        count(*) as open_findings
    from metrics.findings
    where month = $month
        and source in ('revenue_recognition', 'chart', 'expense')
),

unmapped as (
    select
        count(*) as unmapped_codes,
        sum(month_lines) as unmapped_month_lines,
        sum(month_net) as unmapped_month_net,
        sum(lines_to_date) as unmapped_lines,
        sum(net_to_date) as unmapped_net
    from metrics.chart_unmapped_accounts
    where month = $month
)

select
    'Portfolio' as name,
    recognition.deferred_balance::decimal(18, 2) as deferred_balance,
    last_month.prev_deferred_balance::decimal(18, 2) as prev_deferred_balance,
    (recognition.deferred_balance - last_month.prev_deferred_balance)::decimal(18, 2)
        as deferred_change,
    recognition.prepaid_in_revenue::decimal(18, 2) as prepaid_in_revenue,
    recognition.prepaid_bookings::integer as prepaid_bookings,
    recognition.unreturned_cash::decimal(18, 2) as unreturned_cash,
    recognition.unreturned_bookings::integer as unreturned_bookings,
    findings.revenue_recognition_findings,
    findings.chart_findings,
    findings.expense_findings,
    findings.open_findings,
    unmapped.unmapped_codes,
    coalesce(unmapped.unmapped_month_lines, 0)::integer as month_lines,
    coalesce(unmapped.unmapped_month_net, 0)::decimal(18, 2) as month_net,
    coalesce(unmapped.unmapped_lines, 0)::integer as lines_to_date,
    coalesce(unmapped.unmapped_net, 0)::decimal(18, 2) as net_to_date
from recognition
cross join last_month
cross join findings
cross join unmapped
where exists (select 1 from months)
