-- The light balance sheet of each entity at the end of the report month ($month)
-- (metrics.balance_sheet), then the portfolio's sums (the row with is_total). Receivables and
-- deferred revenue are metrics.revenue's, the figures of the revenue bridge, for an entity on the
-- accrual basis; an entity on the cash basis has none on its balance sheet (empty here), and what
-- metrics.revenue would count for it is its memo.
with sheet as (
    select
        sheet.*,
        entities.name
    from metrics.balance_sheet as sheet
    inner join config.entities as entities using (entity_id)
    where sheet.month = $month
)

select
    false as is_total,
    entity_id,
    name,
    basis,
    cash_end,
    case when basis = 'accrual' then receivables_owed end as receivables_owed,
    fixed_assets,
    total_assets,
    case when basis = 'accrual' then deferred_revenue end as deferred_revenue,
    loans_outstanding,
    total_liabilities,
    owner_equity,
    unconfigured_loan_accounts,
    memo_receivables_owed,
    memo_deferred_revenue
from sheet
union all
select
    true,
    null,
    'Portfolio',
    null,
    sum(cash_end),
    sum(receivables_owed),
    sum(fixed_assets),
    sum(total_assets),
    sum(deferred_revenue),
    sum(loans_outstanding),
    sum(total_liabilities),
    sum(owner_equity),
    sum(unconfigured_loan_accounts),
    sum(memo_receivables_owed),
    sum(memo_deferred_revenue)
from sheet
having count(*) > 0
order by is_total, name
