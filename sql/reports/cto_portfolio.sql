-- The portfolio's CTO figures for one report month ($month): every entity's components, open
-- stack findings and software cost added up. The cost three months before is summed only when
-- every entity with a stack has one, so the change compares like with like.
select
    count(*) filter (where components > 0) as entities_with_stack,
    sum(components) as components,
    sum(components_passing) as components_passing,
    sum(open_stack_findings) as open_stack_findings,
    sum(critical_stack_findings) as critical_stack_findings,
    sum(high_stack_findings) as high_stack_findings,
    sum(medium_stack_findings) as medium_stack_findings,
    sum(low_stack_findings) as low_stack_findings,
    sum(dev_cycle_gaps) as dev_cycle_gaps,
    sum(components_without_history) as components_without_history,
    sum(software_cost) as software_cost,
    case
        when count(software_cost_3m_before) = count(software_cost)
            then sum(software_cost_3m_before)
    end as software_cost_3m_before,
    case
        when count(software_cost_3m_before) = count(software_cost)
            then sum(software_cost_change)
    end as software_cost_change
from metrics.stack_summary
where month = $month
