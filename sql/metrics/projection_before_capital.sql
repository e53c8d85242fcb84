-- metrics.projection_before_capital: each entity's cash month by month for the next months after
-- each report month (config projection_months), in each scenario, before any capital spending:
-- revenue and costs follow the seasonal shape (the same month last year once 13 months of history
-- exist, else the 3-month average) grown at the scenario's rates, never below what is already
-- known (metrics.forecast_flows); loan principal and the owner's draws are paid on top.
-- owner: cfo
-- grain: entity_id, month, scenario, months_ahead
with history as (
    select
        entity_id,
        month,
        cash_end,
        revenue,
        gross_burn,
        count(*) over to_date as months_of_history,
        round(avg(revenue) over last_three, 2)::decimal(18, 2) as revenue_avg_3m,
        round(avg(gross_burn) over last_three, 2)::decimal(18, 2) as gross_burn_avg_3m
    from metrics.burn
    window
        last_three as (
            partition by entity_id order by month rows between 2 preceding and current row
        ),
        to_date as (
            partition by entity_id order by month
            rows between unbounded preceding and current row
        )
),

horizon as (
    select unnest(generate_series(1, projection_months)) as months_ahead
    from config.parameters
),

-- The seasonal base: the same calendar month in the latest year of history (a year back, two
-- beyond twelve months ahead), once there are 13 months; the 3-month average before that.
seasonal as (
    select
        history.entity_id,
        history.month,
        horizon.months_ahead,
        (history.month + to_months(horizon.months_ahead))::date as projected_month,
        history.cash_end as starting_cash,
        case
            when history.months_of_history >= 13 then 'same month last year' else '3-month average'
        end as seasonal_basis,
        case
            when history.months_of_history >= 13 then last_year.revenue
            else history.revenue_avg_3m
        end as seasonal_revenue,
        case
            when history.months_of_history >= 13 then last_year.gross_burn
            else history.gross_burn_avg_3m
        end as seasonal_costs
    from history
    cross join horizon
    left join metrics.burn as last_year
        on last_year.entity_id = history.entity_id
        and last_year.month = (
            history.month + to_months(horizon.months_ahead)
            - to_months(12 * ((horizon.months_ahead + 11) // 12))
        )::date
),

known as (
    -- revenue already booked or billed, costs already committed, financing already scheduled
    select
        entity_id,
        month,
        projected_month,
        coalesce(sum(amount) filter (
            where flow_kind in ('receivable', 'booking', 'trip', 'rent')
        ), 0) as known_receipts,
        coalesce(-sum(amount) filter (
            where flow_kind in ('recurring payment', 'loan interest')
        ), 0) as known_costs,
        coalesce(-sum(amount) filter (where flow_kind = 'loan principal'), 0) as loan_principal,
        coalesce(-sum(amount) filter (where flow_kind = 'owner draw'), 0) as owner_draws
    from metrics.forecast_flows
    group by entity_id, month, projected_month
),

-- Bookings paid by the month end for service in a later month: their revenue is already cash, so
-- the seasonal estimate of that month does not count it again.
prepaid as (
    select
        months.entity_id,
        months.month,
        date_trunc('month', bookings.service_date)::date as projected_month,
        sum(bookings.amount) as already_received
    from metrics.entity_months as months
    inner join raw.bookings as bookings
        on bookings.entity_id = months.entity_id
        and bookings.paid_on <= months.month_end
        and bookings.service_date > months.month_end
    where bookings.status = 'confirmed'
    group by all
),

-- The scenario's rates grow the seasonal base only, compounding from the first projected month;
-- known flows are what they are in every scenario.
steps as (
    select
        seasonal.*,
        scenarios.scenario,
        round(
            seasonal.seasonal_revenue * power(1 + scenarios.revenue_growth, seasonal.months_ahead),
            2
        )::decimal(18, 2) as scenario_revenue,
        round(
            seasonal.seasonal_costs * power(1 + scenarios.cost_growth, seasonal.months_ahead), 2
        )::decimal(18, 2) as scenario_costs,
        coalesce(known.known_receipts, 0)::decimal(18, 2) as known_receipts,
        coalesce(prepaid.already_received, 0)::decimal(18, 2) as already_received,
        coalesce(known.known_costs, 0)::decimal(18, 2) as known_costs,
        coalesce(known.loan_principal, 0)::decimal(18, 2) as loan_principal,
        coalesce(known.owner_draws, 0)::decimal(18, 2) as owner_draws
    from seasonal
    cross join config.scenarios as scenarios
    left join known using (entity_id, month, projected_month)
    left join prepaid using (entity_id, month, projected_month)
),

parts as (
    select
        *,
        -- revenue not booked yet: the estimate less what is already booked or already received
        greatest(
            coalesce(scenario_revenue, 0) - known_receipts - already_received, 0
        )::decimal(18, 2) as unbooked_revenue,
        -- costs not committed yet: the estimate less the recurring payments and loan interest
        greatest(coalesce(scenario_costs, 0) - known_costs, 0)::decimal(18, 2) as other_costs
    from steps
)

select
    entity_id,
    month,
    scenario,
    months_ahead,
    projected_month,
    starting_cash,
    seasonal_basis,
    seasonal_revenue,
    seasonal_costs,
    known_receipts,
    already_received,
    unbooked_revenue,
    (known_receipts + unbooked_revenue)::decimal(18, 2) as revenue,
    known_costs,
    other_costs,
    (known_costs + other_costs)::decimal(18, 2) as costs,
    loan_principal,
    owner_draws,
    (known_receipts + unbooked_revenue - known_costs - other_costs - loan_principal - owner_draws)
        ::decimal(18, 2) as net_cash_flow,
    (starting_cash + sum(
        known_receipts + unbooked_revenue - known_costs - other_costs - loan_principal - owner_draws
    ) over (partition by entity_id, month, scenario order by months_ahead))::decimal(18, 2)
        as projected_cash
from parts
order by entity_id, month, scenario, months_ahead
