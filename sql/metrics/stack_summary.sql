-- metrics.stack_summary: one row per entity and month of its series: how many stack components it
-- runs, how many pass every check, its open stack findings by severity and its software cost
-- against three months before. An entity without stack.csv has 0 components and empty figures.
-- owner: cto
-- grain: entity_id, month
-- series: every
with components as (
    select
        entity_id,
        month,
        count(*) as components,
        count(*) filter (where paid_to_provider is null) as components_without_history,
        sum(software_cost)::decimal(18, 2) as software_cost,
        -- three months before: what was paid to providers with a ledger history, and the listed
        -- cost of components without one (taken as unchanged)
        sum(coalesce(software_cost_3m_before, listed_monthly_cost))::decimal(18, 2)
            as software_cost_3m_before
    from metrics.stack_costs
    group by entity_id, month
),

issues as (
    select
        entity_id,
        month,
        count(*) as open_stack_findings,
        count(*) filter (where severity = 'critical') as critical_stack_findings,
        count(*) filter (where severity = 'high') as high_stack_findings,
        count(*) filter (where severity = 'medium') as medium_stack_findings,
        count(*) filter (where severity = 'low') as low_stack_findings,
        -- the delivery side of the audit: how software gets built, shipped and watched
        count(*) filter (
            where rule in ('no_ci', 'no_monitoring', 'stale_deploy', 'stale_dependencies')
        ) as dev_cycle_gaps,
        count(distinct component) as components_with_findings
    from metrics.stack_issues
    group by entity_id, month
),

-- the comparison needs the month three months before inside the entity's series
earlier as (
    select
        entity_id,
        (month + interval 3 month)::date as month
    from metrics.entity_months
)

select
    months.entity_id,
    months.month,
    coalesce(components.components, 0) as components,
    components.components - coalesce(issues.components_with_findings, 0) as components_passing,
    -- counted only where there is a stack to audit: empty otherwise
    case when components.components > 0 then coalesce(issues.open_stack_findings, 0) end
        as open_stack_findings,
    case when components.components > 0 then coalesce(issues.critical_stack_findings, 0) end
        as critical_stack_findings,
    case when components.components > 0 then coalesce(issues.high_stack_findings, 0) end
        as high_stack_findings,
    case when components.components > 0 then coalesce(issues.medium_stack_findings, 0) end
        as medium_stack_findings,
    case when components.components > 0 then coalesce(issues.low_stack_findings, 0) end
        as low_stack_findings,
    case when components.components > 0 then coalesce(issues.dev_cycle_gaps, 0) end
        as dev_cycle_gaps,
    components.components_without_history,
    components.software_cost,
    case
        when earlier.month is not null then components.software_cost_3m_before
    end as software_cost_3m_before,
    case
        when earlier.month is not null
            then (components.software_cost - components.software_cost_3m_before)::decimal(18, 2)
    end as software_cost_change,
    case
        when components.components is null then null
        when components.components_without_history = components.components then 'no history'
        when earlier.month is null then 'too recent'
        when components.software_cost_3m_before = 0 and components.software_cost > 0 then 'new'
        when components.software_cost = 0 and components.software_cost_3m_before > 0
            then 'stopped'
        when components.software_cost > components.software_cost_3m_before then 'up'
        when components.software_cost < components.software_cost_3m_before then 'down'
        else 'flat'
    end as cost_trend
from metrics.entity_months as months
left join components using (entity_id, month)
left join issues using (entity_id, month)
left join earlier using (entity_id, month)
order by months.entity_id, months.month
