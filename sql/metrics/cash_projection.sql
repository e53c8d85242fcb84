-- metrics.cash_projection: cash projected month by month for the next months after each report
-- month (config projection_months), in each configured scenario (base, best, worst): the seasonal
-- shape and the known flows of metrics.projection_before_capital, plus the capital plan's funded
-- items (metrics.capital_plan) in their planned month and the transfers between entities they
-- need.
-- owner: cfo
-- grain: entity_id, month, scenario, months_ahead
with funded as (
    select * from metrics.capital_plan where decision in ('fund', 'fund with transfer')
),

-- One row per entity and month of each way the plan moves its cash: the candidate paid, the
-- transfer received for it, the transfer given.
capital_moves as (
    select
        paid_by as entity_id,
        month,
        planned_month as projected_month,
        cost as capital_spend,
        0 as transfer_in,
        0 as transfer_out
    from funded
    union all
    select entity_id, month, planned_month, 0, transfer_amount, 0
    from funded
    where transfer_amount is not null
    union all
    select transfer_from, month, planned_month, 0, 0, transfer_amount
    from funded
    where transfer_amount is not null
),

capital as (
    select
        entity_id,
        month,
        projected_month,
        sum(capital_spend)::decimal(18, 2) as capital_spend,
        sum(transfer_in - transfer_out)::decimal(18, 2) as transfers
    from capital_moves
    group by all
),

steps as (
    select
        projection.*,
        coalesce(capital.capital_spend, 0)::decimal(18, 2) as capital_spend,
        coalesce(capital.transfers, 0)::decimal(18, 2) as transfers
    from metrics.projection_before_capital as projection
    left join capital using (entity_id, month, projected_month)
)

select
    entity_id,
    month,
    scenario,
    months_ahead,
    projected_month,
    seasonal_basis,
    starting_cash,
    -- revenue: what is booked or billed, and the seasonal estimate of the rest
    known_receipts,
    unbooked_revenue,
    revenue,
    -- costs: recurring payments and loan interest, and the seasonal estimate of the rest
    known_costs,
    other_costs,
    costs,
    -- below the operating line
    loan_principal,
    owner_draws,
    capital_spend,
    transfers,
    (net_cash_flow - capital_spend + transfers)::decimal(18, 2) as net_cash_flow,
    (starting_cash + sum(net_cash_flow - capital_spend + transfers) over (
        partition by entity_id, month, scenario order by months_ahead
    ))::decimal(18, 2) as projected_cash
from steps
order by entity_id, month, scenario, months_ahead
