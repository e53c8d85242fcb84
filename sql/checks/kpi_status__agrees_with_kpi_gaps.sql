-- metrics.kpi_status has a row exactly where metrics.kpi_gaps has one, with the same target, and
-- the same actual wherever the figure does not depend on the basis (every KPI of a cash-basis
-- entity, and the cash, burn and break-even KPIs of every entity): each row here is a KPI month
-- where the two disagree. A revenue KPI of an accrual entity is metrics.pnl_on_basis's figure. A
-- runway on cash burn (`cash_runway_months`) is not a figure of metrics.kpi_gaps: it is
-- metrics.cash_burn's.
select
    coalesce(status.entity_id, gaps.entity_id) as entity_id,
    coalesce(status.month, gaps.month) as month,
    coalesce(status.kpi, gaps.kpi) as kpi,
    status.basis,
    status.actual,
    gaps.actual as cash_actual,
    status.target,
    gaps.target as kpi_gaps_target
from metrics.kpi_status as status
full outer join metrics.kpi_gaps as gaps using (entity_id, month, kpi)
left join metrics.pnl_on_basis as pnl
    on pnl.entity_id = status.entity_id
    and pnl.month = status.month
left join metrics.cash_burn as cash_burn
    on cash_burn.entity_id = status.entity_id
    and cash_burn.month = status.month
where status.kpi is null
    or (gaps.kpi is null and status.kpi <> 'cash_runway_months')
    or (status.kpi = 'cash_runway_months'
        and status.actual is distinct from cash_burn.cash_runway_months::decimal(38, 4))
    or status.target <> gaps.target
    or status.better <> gaps.better
    or (status.basis = 'cash' and gaps.kpi is not null
        and status.actual is distinct from gaps.actual)
    or (status.basis <> 'cash' and status.actual is distinct from case status.kpi
        when 'revenue' then pnl.revenue::decimal(38, 4)
        when 'gross_profit' then pnl.gross_profit::decimal(38, 4)
        when 'gross_margin_pct' then pnl.gross_margin_pct::decimal(38, 4)
        when 'operating_income' then pnl.operating_income::decimal(38, 4)
    end)
order by entity_id, month, kpi
