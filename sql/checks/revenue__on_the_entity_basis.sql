-- Each month's revenue is the figure of its entity's basis (reporting.yaml `basis`): cash
-- received for a cash-basis entity, recognized revenue for an accrual one. Each row here is a
-- month where it is another figure, or an entity on a basis that is neither.
select
    revenue.entity_id,
    revenue.month,
    revenue.basis,
    entities.basis as configured_basis,
    revenue.revenue,
    revenue.cash_received,
    revenue.recognized_revenue
from metrics.revenue as revenue
inner join config.entities as entities using (entity_id)
where revenue.basis is distinct from entities.basis
    or revenue.revenue is distinct from case entities.basis
        when 'cash' then revenue.cash_received
        when 'accrual' then revenue.recognized_revenue
    end
order by revenue.entity_id, revenue.month
