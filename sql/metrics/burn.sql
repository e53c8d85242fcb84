-- metrics.burn: monthly burn per entity: gross and net burn, their 3-month average, cash at month
-- end and the months of runway that cash buys.
-- owner: cfo
-- grain: entity_id, month
with pnl as (
    select
        entity_id,
        month,
        revenue,
        (cogs + opex)::decimal(18, 2) as gross_burn,
        (cogs + opex - revenue)::decimal(18, 2) as net_burn
    from metrics.monthly_pnl
),

-- Cash counts every ledger line, whatever its account (owner money, loans, asset purchases and
-- codes missing from the chart included): it is what the bank holds.
ledger_by_month as (
    select
        entity_id,
        month,
        sum(month_net) as cash_movement
    from metrics.account_months
    group by entity_id, month
),

-- The series covers every ledger month, so a running total over it reaches every line dated on
-- or before the month's last day.
windowed as (
    select
        pnl.*,
        sum(pnl.net_burn) over trailing_3 as net_burn_sum_3m,
        count(*) over trailing_3 as months_in_average,
        entities.opening_cash
            + sum(coalesce(ledger_by_month.cash_movement, 0)) over to_date as cash_end
    from pnl
    inner join config.entities as entities using (entity_id)
    left join ledger_by_month using (entity_id, month)
    window
        trailing_3 as (
            partition by entity_id order by month rows between 2 preceding and current row
        ),
        to_date as (
            partition by entity_id order by month
            rows between unbounded preceding and current row
        )
),

-- DuckDB divides decimals in floating point, so the mean is taken in whole cents and rounded
-- half away from zero (floor of |sum| / n + 1/2) to stay an exact amount.
averaged as (
    select
        *,
        (sign(net_burn_sum_3m * 100)
            * ((abs(net_burn_sum_3m * 100)::hugeint * 2 + months_in_average)
                // (months_in_average * 2))
            * 0.01)::decimal(18, 2) as net_burn_avg_3m
    from windowed
)

select
    entity_id,
    month,
    revenue,
    gross_burn,
    net_burn,
    net_burn_avg_3m,
    cash_end::decimal(18, 2) as cash_end,
    -- no runway when not burning on average: the cash does not run out at this pace
    case
        when net_burn_avg_3m > 0 then (greatest(cash_end, 0) / net_burn_avg_3m)::double
    end as runway_months
from averaged
order by entity_id, month
