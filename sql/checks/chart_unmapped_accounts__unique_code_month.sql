-- metrics.chart_unmapped_accounts has one row per entity, code and month: each row here repeats.
select
    entity_id,
    account_code,
    month,
    count(*) as row_count
from metrics.chart_unmapped_accounts
group by entity_id, account_code, month
having count(*) > 1
order by entity_id, account_code, month
