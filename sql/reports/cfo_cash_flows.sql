-- The statement of cash flows of one report month ($month): one row per entity with the month in
-- its series (metrics.cash_flows), then the portfolio's (metrics.portfolio_cash_flows, the row
-- with is_total: transfers between the entities netted out). Intercompany is the net of money
-- from and to sister entities.
select
    false as is_total,
    flows.entity_id,
    entities.name,
    flows.cash_start,
    flows.operating,
    flows.investing,
    flows.owner_contributions,
    flows.owner_draws,
    flows.loan_proceeds,
    flows.loan_principal,
    (flows.intercompany_in - flows.intercompany_out)::decimal(18, 2) as intercompany_net,
    flows.in_transit,
    flows.unclassified,
    flows.net_change,
    flows.cash_end
from metrics.cash_flows as flows
inner join config.entities as entities using (entity_id)
where flows.month = $month
union all
select
    true as is_total,
    null as entity_id,
    'Portfolio' as name,
    cash_start,
    operating,
    investing,
    owner_contributions,
    owner_draws,
    loan_proceeds,
    loan_principal,
    intercompany_net,
    in_transit,
    unclassified,
    net_change,
    cash_end
from metrics.portfolio_cash_flows
where month = $month
order by is_total, name
