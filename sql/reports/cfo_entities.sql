-- The CFO's figures for one report month ($month, a DATE on the 1st), one row per configured
-- entity: burn, cash, runway and break-even (with its trend), with last month's values for the
-- change.
with this_month as (
    select
        burn.entity_id,
        burn.revenue,
        burn.gross_burn,
        burn.net_burn,
        burn.net_burn_avg_3m,
        burn.cash_end,
        burn.runway_months,
        break_even.fixed_costs,
        break_even.variable_costs,
        break_even.contribution_margin_ratio,
        break_even.break_even_revenue,
        break_even.revenue_gap
    from metrics.burn as burn
    inner join metrics.break_even as break_even using (entity_id, month)
    where burn.month = $month
),

last_month as (
    select entity_id, net_burn_avg_3m, cash_end, runway_months
    from metrics.burn
    where month = $month - interval 1 month
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
