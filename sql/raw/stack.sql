-- raw.stack: the software components each entity runs on.
select
    -- where it came from
    entity_id,
    source_file,
    line,
    -- the component
    component,
    provider,
    category,
    as_money(monthly_cost) as monthly_cost,
    -- its safeguards
    as_boolean(mfa) as mfa,
    as_boolean(backups) as backups,
    as_date(tls_expires_on) as tls_expires_on,
    as_date(last_deploy_on) as last_deploy_on,
    as_date(dependencies_updated_on) as dependencies_updated_on,
    as_boolean(ci) as ci,
    as_boolean(monitoring) as monitoring
from stage
anti join load_quarantine using (source_file, line, part)
order by entity_id, line
