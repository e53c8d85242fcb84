-- metrics.kpi_status: each configured KPI against its actual value on the entity's basis, one row
-- per KPI and month of the entity's series, with the signed gap (positive is good) and whether
-- the target was met. What every report shows of a KPI.
-- owner: ceo
-- grain: entity_id, kpi, month
--
-- metrics.kpi_results' rows on the entity's basis: the figures that are made of revenue (revenue,
-- gross_profit, gross_margin_pct, operating_income) are those of metrics.pnl_on_basis, so an
-- accrual entity's revenue KPI is the revenue it earned, the same figure as every report's
-- revenue. Burn, cash, runway and break-even stay the bank's (metrics.burn, metrics.break_even,
-- metrics.cash_burn: cash moves when it moves), and `basis` says which is which.
select
    entity_id,
    month,
    kpi,
    basis,
    actual,
    target,
    better,
    gap,
    met
from metrics.kpi_results
where on_entity_basis
order by entity_id, kpi, month
