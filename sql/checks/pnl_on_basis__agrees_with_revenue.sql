-- metrics.pnl_on_basis carries metrics.revenue's revenue and basis and metrics.monthly_pnl's
-- costs, and on the cash basis it is metrics.monthly_pnl itself: each row here is a month where
-- it is not.
select
    basis_pnl.entity_id,
    basis_pnl.month,
    basis_pnl.basis,
    basis_pnl.revenue,
    revenue.revenue as revenue_on_basis,
    pnl.revenue as cash_revenue,
    basis_pnl.operating_income,
    pnl.operating_income as cash_operating_income
from metrics.pnl_on_basis as basis_pnl
inner join metrics.revenue as revenue using (entity_id, month)
inner join metrics.monthly_pnl as pnl using (entity_id, month)
where basis_pnl.revenue <> revenue.revenue
    or basis_pnl.basis is distinct from revenue.basis
    or basis_pnl.cogs <> pnl.cogs
    or basis_pnl.opex <> pnl.opex
    or (
        basis_pnl.basis = 'cash'
        and (
            basis_pnl.revenue <> pnl.revenue
            or basis_pnl.gross_profit <> pnl.gross_profit
            or basis_pnl.gross_margin_pct is distinct from pnl.gross_margin_pct
            or basis_pnl.operating_income <> pnl.operating_income
        )
    )
order by basis_pnl.entity_id, basis_pnl.month
