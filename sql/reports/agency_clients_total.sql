-- All clients of one entity ($entity_id) at the end of the report month ($month) added up: the
-- total row of the clients table. The rate is the entity's own (metrics.receivables_monthly),
-- over the same 12 months.
select
    sum(clients.billed_12m) as billed_12m,
    sum(clients.billed_hours_12m) as billed_hours_12m,
    sum(clients.unbilled_hours_12m) as unbilled_hours_12m,
    any_value(monthly.effective_rate) as effective_rate,
    sum(clients.open_balance) as open_balance,
    sum(clients.overdue_balance) as overdue_balance
from metrics.client_accounts as clients
inner join metrics.receivables_monthly as monthly using (entity_id, month)
where clients.entity_id = $entity_id and clients.month = $month
