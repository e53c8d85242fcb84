-- metrics.cash_reserve: for each report month, the portfolio's cash, the reserve it keeps back
-- (reserve_months of the 3-month average gross burn, summed over the entities) and the cash
-- left to deploy.
-- owner: cfo
with entity_burn as (
    select
        entity_id,
        month,
        cash_end,
        round(avg(gross_burn) over last_three, 2)::decimal(18, 2) as gross_burn_avg_3m
    from metrics.burn
    window last_three as (
        partition by entity_id order by month rows between 2 preceding and current row
    )
),

portfolio as (
    select
        month,
        sum(cash_end) as cash,
        sum(gross_burn_avg_3m) as gross_burn_avg_3m
    from entity_burn
    group by month
)

select
    portfolio.month,
    portfolio.cash,
    portfolio.gross_burn_avg_3m,
    parameters.reserve_months,
    round(portfolio.gross_burn_avg_3m * parameters.reserve_months, 2)::decimal(18, 2) as reserve,
    greatest(
        portfolio.cash
        - round(portfolio.gross_burn_avg_3m * parameters.reserve_months, 2)::decimal(18, 2),
        0
    ) as deployable_cash
from portfolio
cross join config.parameters as parameters
order by portfolio.month
