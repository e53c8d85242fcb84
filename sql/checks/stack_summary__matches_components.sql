-- An entity's software cost is the sum of its components' and its open findings are its stack
-- findings of the month: each row here is an entity month whose totals do not add up.
with costs as (
    select
        entity_id,
        month,
        count(*) as components,
        sum(software_cost) as software_cost
    from metrics.stack_costs
    group by entity_id, month
),

findings as (
    select
        entity_id,
        month,
        count(*) as open_stack_findings
    from metrics.stack_findings
    group by entity_id, month
)

select
    summary.entity_id,
    summary.month,
    summary.components,
    costs.components as component_rows,
    summary.software_cost,
    costs.software_cost as component_cost,
    summary.open_stack_findings,
    findings.open_stack_findings as finding_rows
from metrics.stack_summary as summary
left join costs using (entity_id, month)
left join findings using (entity_id, month)
where summary.components <> coalesce(costs.components, 0)
    or summary.software_cost is distinct from costs.software_cost
    or (summary.components > 0
        and summary.open_stack_findings <> coalesce(findings.open_stack_findings, 0))
    or (summary.components = 0 and findings.open_stack_findings is not null)
order by summary.entity_id, summary.month
