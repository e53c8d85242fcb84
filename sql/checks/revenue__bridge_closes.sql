-- The revenue bridge closes to the cent: in every entity month, recognized revenue = cash
-- received - increase in deferred revenue + increase in receivables. Each row here is a month
-- where it does not: a payment bookings.csv or invoices.csv says was made by its paid_on that
-- the bank lines tied to the item do not show by then (a `payment on file` event), or a line
-- naming several items whose payments on file do not add up to it (metrics.revenue_cash_lines
-- and metrics.revenue_events show which). Instalments close it (decision #47). It fails for a
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
