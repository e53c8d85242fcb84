-- The CFO's figures for one report month ($month, a DATE on the 1st), one row per configured
-- entity: burn on two levels (operating burn, metrics.burn's net burn; cash burn and the runway
-- on it, metrics.cash_burn), cash, revenue on the entity's basis (metrics.revenue) beside the
-- cash received that burn and break-even count, and break-even (with its trend), with last
-- month's values for the change.
with this_month as (
    select
        burn.entity_id,
        revenue.basis,
        revenue.revenue,
        -- burn and break-even are the bank's: metrics.burn's revenue is the cash received
        burn.revenue as cash_received,
        burn.gross_burn,
        burn.net_burn,
        burn.net_burn_avg_3m,
        burn.cash_end,
        burn.runway_months,
        cash_burn.cash_burn,
        cash_burn.cash_burn_avg_3m,
        cash_burn.cash_runway_months,
        break_even.fixed_costs,
        break_even.variable_costs,
        break_even.contribution_margin_ratio,
        break_even.break_even_revenue,
        break_even.revenue_gap
    from metrics.burn as burn
    inner join metrics.break_even as break_even using (entity_id, month)
    inner join metrics.cash_burn as cash_burn using (entity_id, month)
    inner join metrics.revenue as revenue using (entity_id, month)
    where burn.month = $month
),

last_month as (
    select
        burn.entity_id,
        burn.net_burn_avg_3m,
        burn.cash_end,
        burn.runway_months,
        cash_burn.cash_burn_avg_3m,
        cash_burn.cash_runway_months
    from metrics.burn as burn
    inner join metrics.cash_burn as cash_burn using (entity_id, month)
    where burn.month = $month - interval 1 month
),

trend as (
    select
        entity_id,
        break_even_status,
        gap_trend_per_month,
        months_to_break_even,
        projected_break_even_month
    from metrics.break_even_trend
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
    entities.kind,
    as_of.last_ledger_date,
    this_month.* exclude (entity_id),
    last_month.net_burn_avg_3m as prev_net_burn_avg_3m,
    last_month.cash_end as prev_cash_end,
    last_month.runway_months as prev_runway_months,
    last_month.cash_burn_avg_3m as prev_cash_burn_avg_3m,
    last_month.cash_runway_months as prev_cash_runway_months,
    trend.break_even_status,
    trend.gap_trend_per_month,
    trend.months_to_break_even,
    trend.projected_break_even_month
from config.entities as entities
left join this_month using (entity_id)
left join last_month using (entity_id)
left join trend using (entity_id)
left join as_of using (entity_id)
order by entities.name
