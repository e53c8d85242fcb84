-- metrics.portfolio_cash_flows: the statement of cash flows of the whole portfolio, per month:
-- the entities' statements added up, with transfers between them netted out.
-- owner: cfo
-- grain: month
--
-- A month counts the entities with that month in their series (as metrics.cash_reserve does):
-- an entity joins with its opening cash in cash_start. Money moved from one entity to another is
-- no flow of the portfolio: the two sides cancel in `intercompany_net`, which is zero once both
-- are booked in the same month (what is left is money in transit between them). Owner money and
-- loans stay gross (a contribution is not net of a draw), as in metrics.cash_flows.
select
    month,
    count(*)::integer as entities,
    sum(cash_start)::decimal(18, 2) as cash_start,
    -- the three sections
    sum(operating)::decimal(18, 2) as operating,
    sum(investing)::decimal(18, 2) as investing,
    sum(
        owner_contributions - owner_draws + loan_proceeds - loan_principal
        + intercompany_in - intercompany_out
    )::decimal(18, 2) as financing,
    -- financing, in its parts
    sum(owner_contributions)::decimal(18, 2) as owner_contributions,
    sum(owner_draws)::decimal(18, 2) as owner_draws,
    sum(loan_proceeds)::decimal(18, 2) as loan_proceeds,
    sum(loan_principal)::decimal(18, 2) as loan_principal,
    sum(intercompany_in - intercompany_out)::decimal(18, 2) as intercompany_net,
    -- outside the three sections, still cash
    sum(in_transit)::decimal(18, 2) as in_transit,
    sum(unclassified)::decimal(18, 2) as unclassified,
    sum(unclassified_lines)::integer as unclassified_lines,
    sum(net_change)::decimal(18, 2) as net_change,
    sum(cash_end)::decimal(18, 2) as cash_end
from metrics.cash_flows
group by month
order by month
