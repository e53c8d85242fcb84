-- Every issue names one of the seven rules of the stack audit with that rule's severity: each row
-- here is an unknown rule or a rule with the wrong severity.
with rules (rule, severity) as (
    values
        ('mfa_off', 'critical'),
        ('no_backups', 'high'),
        ('tls_expiry', 'high'),
        ('no_monitoring', 'medium'),
        ('no_ci', 'medium'),
        ('stale_dependencies', 'medium'),
        ('stale_deploy', 'low')
)

select
    issues.entity_id,
    issues.month,
    issues.component,
    issues.rule,
    issues.severity
from metrics.stack_issues as issues
anti join rules using (rule, severity)
order by issues.entity_id, issues.month, issues.component, issues.rule
