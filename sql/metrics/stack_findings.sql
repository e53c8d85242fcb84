-- metrics.stack_findings: the stack audit as findings, one row per rule a component breaks and
-- month of the entity's series in which it breaks it (metrics.stack_issues), with the standard
-- finding columns of metrics.findings, plus the component and whether customers see the problem.
-- owner: cto
with parameters as (
    select
        tls_warning_days,
        stale_dependencies_days,
        stale_deploy_days
    from config.parameters
),

issues as (
    select
        issues.entity_id,
        issues.month,
        issues.component,
        issues.rule,
        issues.severity,
        -- "dispatch-app (Render)": the component as the owner knows it
        health.component || coalesce(' (' || health.provider || ')', '') as named,
        health.component_category,
        health.tls_expires_on,
        health.tls_days_left,
        health.last_deploy_on,
        health.days_since_deploy,
        health.dependencies_updated_on,
        health.days_since_dependency_update
    from metrics.stack_issues as issues
    inner join metrics.stack_health as health using (entity_id, month, component)
),

worded as (
    select
        issues.*,
        case issues.rule
            when 'mfa_off' then 'MFA off: ' || issues.component
            when 'no_backups' then 'No backups: ' || issues.component
            when 'tls_expiry' then
                case
                    when issues.tls_days_left < 0
                        then 'TLS certificate expired: ' || issues.component
                    else 'TLS certificate expiring: ' || issues.component
                end
            when 'no_monitoring' then 'No monitoring: ' || issues.component
            when 'no_ci' then 'No CI: ' || issues.component
            when 'stale_dependencies' then 'Stale dependencies: ' || issues.component
            when 'stale_deploy' then 'No recent deploy: ' || issues.component
        end as title,
        case issues.rule
            when 'mfa_off' then
                issues.named || ' lets people sign in without multi-factor authentication.'
            when 'no_backups' then
                issues.named || ' has no backups: data lost there cannot be restored.'
            when 'tls_expiry' then
                case
                    when issues.tls_days_left < 0 then
                        'The certificate of ' || issues.named || ' expired on '
                        || strftime(issues.tls_expires_on, '%Y-%m-%d') || ', '
                        || -issues.tls_days_left
                        || case when issues.tls_days_left = -1 then ' day' else ' days' end
                        || ' before the month''s end: visitors see a security warning.'
                    when issues.tls_days_left = 0 then
                        'The certificate of ' || issues.named || ' expires on '
                        || strftime(issues.tls_expires_on, '%Y-%m-%d')
                        || ', the month''s last day: renew it now.'
                    else
                        'The certificate of ' || issues.named || ' expires on '
                        || strftime(issues.tls_expires_on, '%Y-%m-%d') || ', '
                        || issues.tls_days_left
                        || case when issues.tls_days_left = 1 then ' day' else ' days' end
                        || ' after the month''s end (warning at '
                        || parameters.tls_warning_days || ' days).'
                end
            when 'no_monitoring' then
                'Nobody is alerted when ' || issues.named || ' goes down.'
            when 'no_ci' then
                'Changes to ' || issues.named
                || ' ship without an automated build and test (CI).'
            when 'stale_dependencies' then
                'The dependencies of ' || issues.named || ' were last updated on '
                || strftime(issues.dependencies_updated_on, '%Y-%m-%d') || ', '
                || issues.days_since_dependency_update
                || case when issues.days_since_dependency_update = 1 then ' day' else ' days' end
                || ' before the month''s end (limit '
                || parameters.stale_dependencies_days || ' days).'
            when 'stale_deploy' then
                issues.named || ' was last deployed on '
                || strftime(issues.last_deploy_on, '%Y-%m-%d') || ', '
                || issues.days_since_deploy
                || case when issues.days_since_deploy = 1 then ' day' else ' days' end
                || ' before the month''s end (limit '
                || parameters.stale_deploy_days || ' days).'
        end as detail
    from issues
    cross join parameters
)

select
    month,
    entity_id,
    -- stable across months: the same rule on the same component is the same finding
    'F-' || upper(left(md5('stack|' || entity_id || '|' || rule || '|' || component), 8))
        as finding_id,
    'stack' as source,
    rule,
    severity,
    title,
    detail,
    -- a security gap has no price tag: the component's subscription is not the money at stake
    null::decimal(18, 2) as amount,
    -- open until fixed, not for a fixed review window
    null::date as open_until,
    component,
    -- customers see an expired or expiring certificate as the browser's security warning on
    -- the business's website or app (stack.csv category website or app); back-office SaaS and
    -- the other rules (MFA, backups, CI...) are seen by staff only
    coalesce(
        rule = 'tls_expiry' and lower(trim(component_category)) in ('website', 'app'), false
    ) as faces_customers
from worded
order by month, entity_id, finding_id
