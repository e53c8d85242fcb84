-- The portfolio's CFO figures for one report month ($month): every entity's burn and cash
-- added up; runway from the summed cash and summed 3-month average net burn.
with totals as (
    select
        sum(revenue) as revenue,
        sum(gross_burn) as gross_burn,
        sum(net_burn) as net_burn,
        sum(net_burn_avg_3m) as net_burn_avg_3m,
        sum(cash_end) as cash_end
    from metrics.burn
    where month = $month
),

break_even as (
    select
        sum(fixed_costs) as fixed_costs,
        sum(variable_costs) as variable_costs
    from metrics.break_even
    where month = $month
)

select
    totals.*,
    case when totals.net_burn_avg_3m > 0
        then greatest(totals.cash_end, 0) / totals.net_burn_avg_3m
    end as runway_months,
    break_even.fixed_costs,
    break_even.variable_costs,
    case when totals.revenue > 0
        then (totals.revenue - break_even.variable_costs) / totals.revenue
    end as contribution_margin_ratio
from totals, break_even
