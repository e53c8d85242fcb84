-- Each issue of metrics.stack_issues is one finding with its own id each month: each row here is
-- a month whose findings do not match its issues one to one (a missing finding, or two issues
-- sharing an id).
with issues as (
    select
        entity_id,
        month,
        count(*) as issue_count
    from metrics.stack_issues
    group by entity_id, month
),

findings as (
    select
        entity_id,
        month,
        count(*) as finding_count,
        count(distinct finding_id) as id_count
    from metrics.stack_findings
    group by entity_id, month
)

select
    entity_id,
    month,
    coalesce(issues.issue_count, 0) as issue_count,
    coalesce(findings.finding_count, 0) as finding_count,
    coalesce(findings.id_count, 0) as id_count
from issues
full outer join findings using (entity_id, month)
where coalesce(issues.issue_count, 0) <> coalesce(findings.finding_count, 0)
    or coalesce(findings.finding_count, 0) <> coalesce(findings.id_count, 0)
order by entity_id, month
