-- The light balance sheet of each entity at the end of the report month ($month)
-- (metrics.balance_sheet), then the portfolio's sums (the row with is_total), with what
-- metrics.revenue counts as receivable and deferred at the same date: the balance sheet's
-- receivables are open invoices and its deferred revenue confirmed bookings paid ahead, while the
-- revenue bridge also counts trips, charters and rent earned and unpaid, and cancelled bookings
-- whose refund is still owed.
with sheet as (
    select
        sheet.*,
        entities.name,
        revenue.receivables_owed,
        revenue.deferred_revenue
    from metrics.balance_sheet as sheet
    inner join config.entities as entities using (entity_id)
    inner join metrics.revenue as revenue using (entity_id, month)
    where sheet.month = $month
)

select
    false as is_total,
    entity_id,
    name,
    cash_end,
    receivables,
    fixed_assets,
    total_assets,
    deferred_balance,
    loans_outstanding,
    total_liabilities,
    owner_equity,
    unconfigured_loan_accounts,
    receivables_owed,
    deferred_revenue
from sheet
union all
select
    true,
    null,
    'Portfolio',
    sum(cash_end),
    sum(receivables),
    sum(fixed_assets),
    sum(total_assets),
    sum(deferred_balance),
    sum(loans_outstanding),
    sum(total_liabilities),
    sum(owner_equity),
    sum(unconfigured_loan_accounts),
    sum(receivables_owed),
    sum(deferred_revenue)
from sheet
having count(*) > 0
order by is_total, name
