-- metrics.portfolio_cash_burn: the portfolio's burn on two levels per month (operating burn and
-- cash burn, as metrics.cash_burn defines them) and the months of runway its cash burn leaves.
-- owner: cfo
-- grain: month
--
-- Computed from the portfolio's statement (metrics.portfolio_cash_flows), not by adding up the
-- entities' cash burn: money one entity sends another is an outflow of the one and no burn of
-- the portfolio.
with burned as (
    select
        flows.month,
        pnl.operating_burn,
        -flows.net_change + flows.owner_contributions + flows.loan_proceeds as cash_burn,
        flows.cash_end
    from metrics.portfolio_cash_flows as flows
    inner join (
        select
            month,
            sum(net_burn) as operating_burn
        from metrics.burn
        group by month
    ) as pnl using (month)
),

windowed as (
    select
        *,
        sum(cash_burn) over trailing_3 as cash_burn_sum_3m,
        count(*) over trailing_3 as months_in_average
    from burned
    window trailing_3 as (order by month rows between 2 preceding and current row)
),

-- the mean in whole cents, rounded half away from zero, as metrics.burn's net_burn_avg_3m
averaged as (
    select
        *,
        (sign(cash_burn_sum_3m * 100)
            * ((abs(cash_burn_sum_3m * 100)::hugeint * 2 + months_in_average)
                // (months_in_average * 2))
            * 0.01)::decimal(18, 2) as cash_burn_avg_3m
    from windowed
)

select
    month,
    operating_burn::decimal(18, 2) as operating_burn,
    cash_burn::decimal(18, 2) as cash_burn,
    cash_burn_avg_3m,
    cash_end::decimal(18, 2) as cash_end,
    case
        when cash_burn_avg_3m > 0 then (greatest(cash_end, 0) / cash_burn_avg_3m)::double
    end as cash_runway_months
from averaged
order by month
