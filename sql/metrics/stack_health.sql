-- metrics.stack_health: one row per entity, component of its stack.csv and month of the entity's
-- series: the stack snapshot judged as of the month's end (days to TLS expiry, days since the last
-- deploy and dependency update, each against its threshold of config.parameters).
-- owner: cto
with parameters as (
    select
        tls_warning_days,
        stale_dependencies_days,
        stale_deploy_days
    from config.parameters
),

-- stack.csv is one snapshot (the latest export): every month of the entity's series is judged
-- against that same snapshot, as of the month's last day, so any report month can be read
snapshot as (
    select
        months.entity_id,
        months.month,
        months.month_end,
        stack.component,
        stack.provider,
        stack.category as component_category,
        -- a SaaS vendor builds, deploys and watches its own software: CI and monitoring are its
        coalesce(lower(trim(stack.category)) = 'saas', false) as vendor_run,
        stack.mfa,
        stack.backups,
        stack.ci,
        stack.monitoring,
        stack.tls_expires_on,
        stack.last_deploy_on,
        stack.dependencies_updated_on
    from raw.stack as stack
    inner join metrics.entity_months as months using (entity_id)
),

ages as (
    select
        *,
        -- negative once the certificate has expired; empty when the component serves no TLS
        tls_expires_on - month_end as tls_days_left,
        -- a date after the month's end says nothing about that month (the snapshot is later
        -- and does not know the deploy before it): no age, so no finding
        case
            when last_deploy_on <= month_end then month_end - last_deploy_on
        end as days_since_deploy,
        case
            when dependencies_updated_on <= month_end then month_end - dependencies_updated_on
        end as days_since_dependency_update
    from snapshot
)

select
    ages.entity_id,
    ages.month,
    ages.component,
    ages.provider,
    ages.component_category,
    ages.vendor_run,
    ages.mfa,
    ages.backups,
    ages.ci,
    ages.monitoring,
    ages.tls_expires_on,
    ages.tls_days_left,
    -- a certificate valid through the month's last day has not expired yet: it is expiring
    case
        when ages.tls_days_left < 0 then 'expired'
        when ages.tls_days_left <= parameters.tls_warning_days then 'expiring'
        when ages.tls_days_left is not null then 'valid'
    end as tls_status,
    ages.last_deploy_on,
    ages.days_since_deploy,
    -- "no deploy for 90 days": on the 90th day without one it is stale
    ages.days_since_deploy >= parameters.stale_deploy_days as deploy_stale,
    ages.dependencies_updated_on,
    ages.days_since_dependency_update,
    ages.days_since_dependency_update >= parameters.stale_dependencies_days as dependencies_stale
from ages
cross join parameters
order by ages.entity_id, ages.month, ages.component
