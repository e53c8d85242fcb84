-- metrics.break_even: monthly break-even per entity: fixed and variable costs, the contribution
-- margin ratio, the revenue that would cover the fixed costs and the gap to it.
-- owner: cfo
-- grain: entity_id, month

-- The chart's behavior says how each cost account moves with revenue; other account types
-- (and codes missing from the chart) are no cost here, as in metrics.monthly_pnl.
with cost_totals as (
    select
        entity_id,
        month,
        coalesce(-sum(month_net) filter (where account_behavior = 'fixed'), 0) as fixed_costs,
        coalesce(-sum(month_net) filter (where account_behavior = 'variable'), 0)
            as variable_costs
    from metrics.account_months
    where account_type in ('cogs', 'expense')
    group by entity_id, month
),

costs as (
    select
        pnl.entity_id,
        pnl.month,
        pnl.revenue,
        coalesce(cost_totals.fixed_costs, 0)::decimal(18, 2) as fixed_costs,
        coalesce(cost_totals.variable_costs, 0)::decimal(18, 2) as variable_costs
    from metrics.monthly_pnl as pnl
    left join cost_totals using (entity_id, month)
),

-- A ratio on no (or negative) revenue means nothing; when it is not positive, no revenue level
-- covers the fixed costs, so there is no break-even point.
ratios as (
    select
        *,
        case
            when revenue > 0 then ((revenue - variable_costs) / revenue)::double
        end as contribution_margin_ratio,
        revenue > 0 and revenue - variable_costs > 0 as has_break_even
    from costs
),

-- fixed / ((revenue - variable) / revenue) = fixed * revenue / (revenue - variable): computed
-- in whole cents and rounded half away from zero, because DuckDB divides decimals in floating
-- point and break-even revenue is money. The cents are taken in DECIMAL(38,2) and HUGEINT: a
-- month's figures may use all sixteen digits of DECIMAL(18,2) (docs/decisions.md #18).
break_even_cents as (
    select
        *,
        case
            when has_break_even then (
                sign(fixed_costs)
                * ((abs(fixed_costs::decimal(38, 2) * 100)::hugeint
                        * (revenue::decimal(38, 2) * 100)::hugeint * 2
                        + ((revenue - variable_costs)::decimal(38, 2) * 100)::hugeint)
                    // (((revenue - variable_costs)::decimal(38, 2) * 100)::hugeint * 2))
            )
        end as break_even_in_cents
    from ratios
),

-- A margin that is a sliver of revenue puts break-even revenue beyond any amount the metric
-- store holds (10^16 and more): no revenue level within reach covers the fixed costs, which is
-- what an empty break-even says.
break_even as (
    select
        * exclude (break_even_in_cents),
        case
            when abs(break_even_in_cents) < 1e18::hugeint
                then (break_even_in_cents * 0.01)::decimal(18, 2)
        end as break_even_revenue
    from break_even_cents
)

select
    entity_id,
    month,
    revenue,
    fixed_costs,
    variable_costs,
    contribution_margin_ratio,
    break_even_revenue,
    (break_even_revenue - revenue)::decimal(18, 2) as revenue_gap
from break_even
order by entity_id, month
