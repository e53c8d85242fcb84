-- How each component the entity runs itself (not a vendor's SaaS) is built, shipped and watched
-- in one report month ($month): deploy and dependency age, TLS days left, CI and monitoring, and
-- the gaps found; components with the most gaps first, then the longest without a deploy.
with gaps as (
    select
        entity_id,
        component,
        count(*) as gap_count,
        string_agg(
            case rule
                when 'no_ci' then 'no CI'
                when 'no_monitoring' then 'no monitoring'
                when 'stale_deploy' then 'no recent deploy'
                when 'stale_dependencies' then 'stale dependencies'
                when 'tls_expiry' then 'TLS certificate'
            end,
            ', '
            order by rule
        ) as gaps
    from metrics.stack_issues
    where month = $month
        and rule in ('no_ci', 'no_monitoring', 'stale_deploy', 'stale_dependencies', 'tls_expiry')
    group by entity_id, component
)

select
    health.entity_id,
    entities.name,
    health.component,
    health.component_category,
    health.last_deploy_on,
    health.days_since_deploy,
    health.days_since_dependency_update,
    health.tls_days_left,
    health.ci,
    health.monitoring,
    coalesce(gaps.gap_count, 0) as gap_count,
    coalesce(gaps.gaps, 'none') as gaps
from metrics.stack_health as health
inner join config.entities as entities using (entity_id)
left join gaps using (entity_id, component)
where health.month = $month
    and not health.vendor_run
order by
    gap_count desc,
    health.days_since_deploy desc nulls last,
    entities.name,
    health.component
