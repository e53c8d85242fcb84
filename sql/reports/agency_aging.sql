-- What each client of one entity ($entity_id) owes at the end of the report month ($month), by
-- aging bucket: the oldest debts first, then the largest.
select
    client,
    coalesce(sum(open_balance) filter (where aging_bucket = 'current'), 0) as ar_current,
    coalesce(sum(open_balance) filter (where aging_bucket = '1-30'), 0) as ar_1_30,
    coalesce(sum(open_balance) filter (where aging_bucket = '31-60'), 0) as ar_31_60,
    coalesce(sum(open_balance) filter (where aging_bucket = '61-90'), 0) as ar_61_90,
    coalesce(sum(open_balance) filter (where aging_bucket = 'over 90'), 0) as ar_over_90,
    sum(open_balance) as open_balance,
    max(days_past_due) as oldest_days_past_due
from metrics.receivables_invoices
where entity_id = $entity_id and month = $month
group by client
order by oldest_days_past_due desc, open_balance desc, client
