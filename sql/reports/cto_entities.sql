-- The CTO's figures for one report month ($month, a DATE on the 1st), one row per configured
-- entity: its stack audit and software cost, last month's open findings, and its most severe
-- finding; sorted by what matters most (critical, then high, then all open findings).
with this_month as (
    select *
    from metrics.stack_summary
    where month = $month
),

last_month as (
    select
        entity_id,
        open_stack_findings as prev_open_findings,
        software_cost as prev_software_cost
    from metrics.stack_summary
    where month = $month - interval 1 month
),

-- the finding a verdict names: the most severe, then the first by id
worst as (
    select
        entity_id,
        severity as worst_severity,
        title as worst_title
    from metrics.stack_findings
    where month = $month
    qualify row_number() over (
        partition by entity_id
        order by
            case severity
                when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3
            end,
            finding_id
    ) = 1
)

select
    entities.entity_id,
    entities.name,
    this_month.month is not null as in_series,
    this_month.* exclude (entity_id, month),
    last_month.prev_open_findings,
    last_month.prev_software_cost,
    worst.worst_severity,
    worst.worst_title
from config.entities as entities
left join this_month using (entity_id)
left join last_month using (entity_id)
left join worst using (entity_id)
order by
    this_month.critical_stack_findings desc nulls last,
    this_month.high_stack_findings desc nulls last,
    this_month.open_stack_findings desc nulls last,
    entities.name
