-- What each entity's base projection for the report month ($month) is made of, over the whole
-- horizon: revenue booked and not yet booked, costs, loan principal, owner draws, the capital
-- plan's spending and transfers, and the cash at the end.
select
    entities.entity_id,
    entities.name,
    any_value(projection.seasonal_basis) as seasonal_basis,
    sum(projection.known_receipts) as known_receipts,
    sum(projection.unbooked_revenue) as unbooked_revenue,
    sum(projection.costs) as costs,
    sum(projection.loan_principal) as loan_principal,
    sum(projection.owner_draws) as owner_draws,
    sum(projection.capital_spend) as capital_spend,
    sum(projection.transfers) as transfers,
    arg_max(projection.projected_cash, projection.months_ahead) as projected_cash
from metrics.cash_projection as projection
inner join config.entities as entities using (entity_id)
where projection.month = $month
    and projection.scenario = 'base'
group by all
order by entities.name
