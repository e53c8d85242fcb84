-- The portfolio's opening cash plus its flows is its closing cash, to the cent, and that is the
-- sum of metrics.burn's cash_end over the entities with the month in their series: each row here
-- is a month whose portfolio statement loses or invents money, or whose parts do not add up.
with burn_cash as (
    select
        month,
        sum(cash_end) as burn_cash_end
    from metrics.burn
    group by month
)

select
    flows.month,
    flows.cash_start,
    flows.net_change,
    flows.cash_end,
    burn_cash.burn_cash_end,
    flows.cash_start + flows.net_change - flows.cash_end as difference
from metrics.portfolio_cash_flows as flows
full outer join burn_cash using (month)
where flows.cash_end is distinct from burn_cash.burn_cash_end
    or flows.cash_start + flows.net_change <> flows.cash_end
    or flows.net_change
    <> flows.operating + flows.investing + flows.financing + flows.in_transit + flows.unclassified
    or flows.financing
    <> flows.owner_contributions - flows.owner_draws + flows.loan_proceeds - flows.loan_principal
    + flows.intercompany_net
order by month
