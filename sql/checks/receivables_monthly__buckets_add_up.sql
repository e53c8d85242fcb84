-- The aging buckets add up to the receivables, which are the open balances of the month's
-- aging, and the overdue balance is everything but the current bucket: each row here does not.
with aging as (
    select
        entity_id,
        month,
        sum(open_balance) as open_balance
    from metrics.receivables_invoices
    group by entity_id, month
)

select
    monthly.entity_id,
    monthly.month,
    monthly.receivables,
    aging.open_balance,
    monthly.ar_current + monthly.ar_1_30 + monthly.ar_31_60 + monthly.ar_61_90
    + monthly.ar_over_90 as buckets,
    monthly.overdue_balance
from metrics.receivables_monthly as monthly
left join aging using (entity_id, month)
where monthly.receivables <> coalesce(aging.open_balance, 0)
    or monthly.receivables <> monthly.ar_current + monthly.ar_1_30 + monthly.ar_31_60
    + monthly.ar_61_90 + monthly.ar_over_90
    or monthly.overdue_balance <> monthly.receivables - monthly.ar_current
order by monthly.entity_id, monthly.month
