-- The portfolio's CFO figures for one report month ($month): every entity's burn, cash and
-- costs added up; runway and break-even from the sums.
with totals as (
    select
        sum(burn.revenue) as revenue,
        sum(burn.gross_burn) as gross_burn,
        sum(burn.net_burn) as net_burn,
        sum(burn.net_burn_avg_3m) as net_burn_avg_3m,
        sum(burn.cash_end) as cash_end,
        sum(break_even.fixed_costs) as fixed_costs,
        sum(break_even.variable_costs) as variable_costs
    from metrics.burn as burn
    inner join metrics.break_even as break_even using (entity_id, month)
    where burn.month = $month
),

ratios as (
    select
        *,
        case when net_burn_avg_3m > 0
            then greatest(cash_end, 0) / net_burn_avg_3m
        end as runway_months,
        case when revenue > 0
            then (revenue - variable_costs) / revenue
        end as contribution_margin_ratio
    from totals
)

select
    *,
    case when contribution_margin_ratio > 0
        then fixed_costs / contribution_margin_ratio
    end as break_even_revenue,
    case when contribution_margin_ratio > 0
        then fixed_costs / contribution_margin_ratio - revenue
    end as revenue_gap
from ratios
