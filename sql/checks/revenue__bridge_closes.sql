-- The revenue bridge closes to the cent: in every entity month, recognized revenue = cash
-- received - increase in deferred revenue + increase in receivables. Each row here is a month
-- where it does not: a payment in bookings.csv or invoices.csv that the bank has in another
-- month or for another amount, or a bank line naming a booking or invoice that is not paid on
-- file (metrics.revenue_cash_lines and metrics.revenue_events show which). It fails for a
-- business on the accrual basis, whose revenue is the recognized figure; for one on the cash
-- basis, whose revenue is the cash received either way, the month is tolerated and counted
-- (docs/decisions.md #33).
select
    entity_id,
    month,
    basis,
    cash_received,
    deferred_change,
    receivables_change,
    recognized_revenue,
    (cash_received - deferred_change + receivables_change)::decimal(18, 2) as bridged_revenue,
    (recognized_revenue - (cash_received - deferred_change + receivables_change))::decimal(
        18, 2
    ) as difference,
    basis <> 'cash' as fails
from metrics.revenue
where recognized_revenue <> cash_received - deferred_change + receivables_change
order by entity_id, month
