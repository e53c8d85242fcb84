-- metrics.cash_projection: cash projected month by month for the next months after each report
-- month (config projection_months), in each configured scenario (base, best, worst): revenue and
-- costs start from their 3-month averages and grow at the scenario's monthly rates.
-- owner: cfo
-- grain: entity_id, month, scenario, months_ahead
with averages as (
    -- the same window as net_burn_avg_3m: this month and the two before it, fewer at the start
    select
        entity_id,
        month,
        cash_end,
        round(avg(revenue) over last_three, 2)::decimal(18, 2) as revenue_avg_3m,
        round(avg(gross_burn) over last_three, 2)::decimal(18, 2) as gross_burn_avg_3m
    from metrics.burn
    window last_three as (
        partition by entity_id order by month rows between 2 preceding and current row
    )
),

horizon as (
    select unnest(generate_series(1, projection_months)) as months_ahead
    from config.parameters
),

steps as (
    -- growth compounds from the first projected month: month k is the average x (1 + rate)^k
    select
        averages.entity_id,
        averages.month,
        scenarios.scenario,
        horizon.months_ahead,
        (averages.month + to_months(horizon.months_ahead))::date as projected_month,
        averages.cash_end as starting_cash,
        round(
            averages.revenue_avg_3m * power(1 + scenarios.revenue_growth, horizon.months_ahead), 2
        )::decimal(18, 2) as revenue,
        round(
            averages.gross_burn_avg_3m * power(1 + scenarios.cost_growth, horizon.months_ahead), 2
        )::decimal(18, 2) as costs
    from averages
    cross join config.scenarios as scenarios
    cross join horizon
)

select
    entity_id,
    month,
    scenario,
    months_ahead,
    projected_month,
    revenue,
    costs,
    revenue - costs as net_cash_flow,
    starting_cash + sum(revenue - costs) over (
        partition by entity_id, month, scenario order by months_ahead
    ) as projected_cash
from steps
order by entity_id, month, scenario, months_ahead
