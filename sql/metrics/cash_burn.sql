-- metrics.cash_burn: burn on two levels per entity and month: operating burn (metrics.burn's net
-- burn: the P&L's costs minus revenue) and cash burn (every outflow, owner draws and loan
-- principal included), and the months of runway cash burn leaves.
-- owner: cfo
-- grain: entity_id, month
-- series: every
--
-- Cash burn is how much cash fell in the month before any new money came in from the owner, a
-- lender or a sister entity: those inflows fund the burn, they do not reduce it. So a month the
-- owner puts money in still shows what the business consumed.
with burned as (
    select
        flows.entity_id,
        flows.month,
        burn.net_burn as operating_burn,
        -flows.net_change + flows.owner_contributions + flows.loan_proceeds + flows.intercompany_in
            as cash_burn,
        flows.cash_end
    from metrics.cash_flows as flows
    inner join metrics.burn as burn using (entity_id, month)
),

windowed as (
    select
        *,
        sum(cash_burn) over trailing_3 as cash_burn_sum_3m,
        count(*) over trailing_3 as months_in_average
    from burned
    window trailing_3 as (
        partition by entity_id order by month rows between 2 preceding and current row
    )
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
    entity_id,
    month,
    operating_burn::decimal(18, 2) as operating_burn,
    cash_burn::decimal(18, 2) as cash_burn,
    cash_burn_avg_3m,
    cash_end::decimal(18, 2) as cash_end,
    -- no runway when cash is not falling on average, before new money
    case
        when cash_burn_avg_3m > 0 then (greatest(cash_end, 0) / cash_burn_avg_3m)::double
    end as cash_runway_months
from averaged
order by entity_id, month
