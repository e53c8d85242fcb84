-- metrics.stack_issues: one row per entity, component, month and rule of the stack audit that the
-- component breaks as of the month's end (metrics.stack_health), with the rule's severity.
-- owner: cto
-- grain: entity_id, month, component, rule
with health as (
    select * from metrics.stack_health
),

-- each rule is one select, so a rule reads as its own condition; a NULL condition (a date the
-- check does not apply to) is not true, so it raises nothing
broken as (
    select entity_id, month, component, 'mfa_off' as rule, 'critical' as severity
    from health
    where not mfa

    union all
    select entity_id, month, component, 'no_backups', 'high'
    from health
    where not backups

    -- one rule for expiring and expired, so the finding keeps its id when the one becomes the
    -- other (it stays open instead of "resolving" into a new finding)
    union all
    select entity_id, month, component, 'tls_expiry', 'high'
    from health
    where tls_status in ('expired', 'expiring')

    -- a SaaS vendor runs CI and monitoring for its own software: those rules skip it
    union all
    select entity_id, month, component, 'no_monitoring', 'medium'
    from health
    where not monitoring and not vendor_run

    union all
    select entity_id, month, component, 'no_ci', 'medium'
    from health
    where not ci and not vendor_run

    union all
    select entity_id, month, component, 'stale_dependencies', 'medium'
    from health
    where dependencies_stale

    union all
    select entity_id, month, component, 'stale_deploy', 'low'
    from health
    where deploy_stale
)

select
    entity_id,
    month,
    component,
    rule,
    severity
from broken
order by entity_id, month, component, rule
