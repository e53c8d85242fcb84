-- The portfolio's CFO figures for one report month ($month): every entity's burn, cash and
-- costs added up; runway and break-even from the sums. Burn on two levels: operating (the sum of
-- metrics.burn's net burn) and cash burn, with the runway on it, from the portfolio's own
-- statement (metrics.portfolio_cash_burn: money between the entities is no burn of the
-- portfolio). Revenue is every entity's on its own basis (metrics.revenue); break-even, like
-- burn, counts the cash received.
with totals as (
    select
        sum(revenue.revenue) as revenue,
        sum(burn.revenue) as cash_received,
        sum(burn.gross_burn) as gross_burn,
        sum(burn.net_burn) as net_burn,
        sum(burn.net_burn_avg_3m) as net_burn_avg_3m,
        sum(burn.cash_end) as cash_end,
        sum(break_even.fixed_costs) as fixed_costs,
        sum(break_even.variable_costs) as variable_costs
    from metrics.burn as burn
    inner join metrics.break_even as break_even using (entity_id, month)
    inner join metrics.revenue as revenue using (entity_id, month)
    where burn.month = $month
),

ratios as (
    select
        *,
        case when net_burn_avg_3m > 0
            then greatest(cash_end, 0) / net_burn_avg_3m
        end as runway_months,
        case when cash_received > 0
            then (cash_received - variable_costs) / cash_received
        end as contribution_margin_ratio
    from totals
)

select
    ratios.*,
    case when contribution_margin_ratio > 0
        then fixed_costs / contribution_margin_ratio
    end as break_even_revenue,
    case when contribution_margin_ratio > 0
        then fixed_costs / contribution_margin_ratio - cash_received
    end as revenue_gap,
    cash_burn.cash_burn,
    cash_burn.cash_burn_avg_3m,
    cash_burn.cash_runway_months
from ratios
left join metrics.portfolio_cash_burn as cash_burn on cash_burn.month = $month
