-- Assets = liabilities + owner equity on every row, cash is metrics.burn's cash_end, and what
-- the loans owe moves each month by exactly the month's loan lines (proceeds in, principal out,
-- as metrics.cash_flows counts them): each row here is an entity month that does not balance.
with compared as (
    select
        sheet.*,
        burn.cash_end as burn_cash_end,
        lag(sheet.loans_outstanding) over (
            partition by sheet.entity_id order by sheet.month
        ) as loans_before,
        flows.loan_proceeds - flows.loan_principal as loan_change
    from metrics.balance_sheet as sheet
    left join metrics.burn as burn using (entity_id, month)
    left join metrics.cash_flows as flows using (entity_id, month)
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
    loan_change
from compared
where total_assets <> cash_end + receivables + fixed_assets
    or total_liabilities <> deferred_balance + loans_outstanding
    or total_assets <> total_liabilities + owner_equity
    or cash_end is distinct from burn_cash_end
    or (loans_before is not null and loans_outstanding <> loans_before + loan_change)
order by entity_id, month
