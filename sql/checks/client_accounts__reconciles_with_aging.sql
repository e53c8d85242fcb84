-- What each client owes, and the part of it overdue, is the total of its invoices in the month's
-- aging (metrics.receivables_invoices): each row here is a client and month where it is not.
with aging as (
    select
        entity_id,
        month,
        client,
        sum(open_balance) as open_balance,
        coalesce(sum(open_balance) filter (where days_past_due > 0), 0) as overdue_balance
    from metrics.receivables_invoices
    group by entity_id, month, client
)

select
    coalesce(clients.entity_id, aging.entity_id) as entity_id,
    coalesce(clients.month, aging.month) as month,
    coalesce(clients.client, aging.client) as client,
    clients.open_balance,
    aging.open_balance as aging_open_balance,
    clients.overdue_balance,
    aging.overdue_balance as aging_overdue_balance
from metrics.client_accounts as clients
full outer join aging using (entity_id, month, client)
where coalesce(clients.open_balance, 0) <> coalesce(aging.open_balance, 0)
    or coalesce(clients.overdue_balance, 0) <> coalesce(aging.overdue_balance, 0)
order by entity_id, month, client
