-- metrics.expense_outliers has one row per entity, month and account: each row here repeats.
select
    entity_id,
    month,
    account_code,
    count(*) as row_count
from metrics.expense_outliers
group by entity_id, month, account_code
having count(*) > 1
order by entity_id, month, account_code
