-- A component breaks each rule at most once a month: each row here is a rule counted twice.
select
    entity_id,
    month,
    component,
    rule,
    count(*) as row_count
from metrics.stack_issues
group by entity_id, month, component, rule
having count(*) > 1
order by entity_id, month, component, rule
