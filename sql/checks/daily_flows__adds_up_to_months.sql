-- The days of each month of an entity's series add up to the month's figures, to the cent: money
-- in and out to metrics.account_months' (their difference to metrics.cash_flows' net change),
-- revenue, cash received and revenue earned to metrics.revenue's; and the cash at the end of the
-- month's last day is metrics.cash_flows' cash_end. Each row here is a month whose days (and so
-- the weeks, split at the month's end) tell another story than the monthly pack.
with days_by_month as (
    select
        entity_id,
        month,
        sum(day_money_in) as money_in,
        sum(day_money_out) as money_out,
        sum(day_revenue) as revenue,
        sum(day_cash_received) as cash_received,
        sum(day_revenue_earned) as revenue_earned,
        max(day_closing_cash) filter (where day = last_day(month)) as cash_end
    from metrics.daily_flows
    group by entity_id, month
),

ledger_by_month as (
    select
        entity_id,
        month,
        sum(money_in) as money_in,
        sum(money_out) as money_out
    from metrics.account_months
    group by entity_id, month
),

compared as (
    select
        flows.entity_id,
        flows.month,
        coalesce(ledger.money_in, 0) as month_money_in,
        days.money_in as days_money_in,
        coalesce(ledger.money_out, 0) as month_money_out,
        days.money_out as days_money_out,
        flows.net_change as month_net_change,
        revenue.revenue as month_revenue,
        days.revenue as days_revenue,
        revenue.cash_received as month_cash_received,
        days.cash_received as days_cash_received,
        revenue.recognized_revenue as month_revenue_earned,
        days.revenue_earned as days_revenue_earned,
        flows.cash_end as month_cash_end,
        days.cash_end as days_cash_end
    from metrics.cash_flows as flows
    inner join metrics.revenue as revenue using (entity_id, month)
    left join ledger_by_month as ledger using (entity_id, month)
    left join days_by_month as days using (entity_id, month)
)

select *
from compared
where days_money_in is distinct from month_money_in
    or days_money_out is distinct from month_money_out
    or days_money_in - days_money_out is distinct from month_net_change
    or days_revenue is distinct from month_revenue
    or days_cash_received is distinct from month_cash_received
    or days_revenue_earned is distinct from month_revenue_earned
    or days_cash_end is distinct from month_cash_end
order by entity_id, month
