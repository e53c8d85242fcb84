-- What each stack component cost in one report month ($month) against three months before, most
-- expensive first.
select
    costs.entity_id,
    entities.name,
    costs.component,
    costs.provider,
    health.component_category,
    costs.listed_monthly_cost,
    costs.paid_to_provider,
    costs.software_cost,
    costs.software_cost_3m_before,
    costs.software_cost_change,
    costs.cost_trend
from metrics.stack_costs as costs
inner join metrics.stack_health as health using (entity_id, month, component)
inner join config.entities as entities using (entity_id)
where costs.month = $month
order by costs.software_cost desc, entities.name, costs.component
