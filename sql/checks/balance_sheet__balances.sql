-- Assets = liabilities + owner equity on every row, cash is metrics.burn's cash_end, what the
-- loans owe moves each month by exactly the month's loan lines (proceeds in, principal out, as
-- metrics.cash_flows counts them), and receivables and deferred revenue are metrics.revenue's on
-- the accrual basis, none on the cash basis (docs/decisions.md #47): each row here is an entity
-- month that does not balance. Owner equity is the balancing figure, so the first identity holds
-- by construction; the others are what keep it honest: with the revenue bridge closing
-- (metrics.revenue's bridge_closes), equity moves by the revenue the reports count, the costs and
-- the owner's, lenders' and sister businesses' money, and nothing else.
with compared as (
    select
        sheet.*,
        burn.cash_end as burn_cash_end,
        lag(sheet.loans_outstanding) over (
            partition by sheet.entity_id order by sheet.month
        ) as loans_before,
        flows.loan_proceeds - flows.loan_principal as loan_change,
        case when revenue.basis = 'accrual' then revenue.receivables_owed else 0 end
            as revenue_receivables,
        case when revenue.basis = 'accrual' then revenue.deferred_revenue else 0 end
            as revenue_deferred
    from metrics.balance_sheet as sheet
    left join metrics.burn as burn using (entity_id, month)
    left join metrics.cash_flows as flows using (entity_id, month)
    left join metrics.revenue as revenue using (entity_id, month)
)

select
    entity_id,
    month,
    total_assets,
    total_liabilities,
    owner_equity,
    cash_end,
    burn_cash_end,
    loans_outstanding,
    loans_before,
    loan_change,
    receivables_owed,
    revenue_receivables,
    deferred_revenue,
    revenue_deferred
from compared
where total_assets <> cash_end + receivables_owed + fixed_assets
    or total_liabilities <> deferred_revenue + loans_outstanding
    or total_assets <> total_liabilities + owner_equity
    or cash_end is distinct from burn_cash_end
    or (loans_before is not null and loans_outstanding <> loans_before + loan_change)
    or receivables_owed is distinct from revenue_receivables
    or deferred_revenue is distinct from revenue_deferred
order by entity_id, month
