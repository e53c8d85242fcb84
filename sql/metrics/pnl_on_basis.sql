-- metrics.pnl_on_basis: profit and loss per entity and month on the entity's basis (reporting.yaml
-- `basis`): revenue as metrics.revenue counts it, costs as the bank ledger does.
-- owner: ceo
-- grain: entity_id, month
-- series: every
--
-- metrics.monthly_pnl stays on the cash basis for every entity (other tools read it); this is the
-- figure every report shows. Costs are paid when the bank says so on either basis: the exports
-- date revenue (a trip's delivery, an invoice's issue), not costs, so an accrual entity's costs
-- are its cash costs. Only revenue, and what is computed from it, changes with the basis.
with figures as (
    select
        pnl.entity_id,
        pnl.month,
        revenue.basis,
        revenue.revenue,
        pnl.cogs,
        pnl.opex
    from metrics.monthly_pnl as pnl
    inner join metrics.revenue as revenue using (entity_id, month)
)

select
    entity_id,
    month,
    basis,
    revenue,
    cogs,
    (revenue - cogs)::decimal(18, 2) as gross_profit,
    -- as in metrics.monthly_pnl: a margin on no revenue means nothing
    case when revenue <> 0 then ((revenue - cogs) / revenue)::double end as gross_margin_pct,
    opex,
    (revenue - cogs - opex)::decimal(18, 2) as operating_income
from figures
order by entity_id, month
