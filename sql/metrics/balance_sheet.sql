-- metrics.balance_sheet: a light balance sheet of each entity at each month end: cash and
-- receivables, deferred revenue and loans outstanding, and the owner's equity that balances them.
-- owner: cfo
-- grain: entity_id, month
-- series: every
--
-- Light: what the files this project reads can show. Owner equity is the balancing figure (what
-- the entity has less what it owes), not the owner's capital account. Equipment, vessels and
-- property are at the book value assets.csv gives today (a current list, not a dated history:
-- earlier months show today's value), as metrics.asset_inventory holds it.
--
-- Receivables and deferred revenue are metrics.revenue's closing figures for an entity on the
-- accrual basis: one figure with the revenue bridge, so the owner equity moves by the revenue the
-- reports count. An entity on the cash basis counts revenue when the cash comes in, so its books
-- hold neither: its balance sheet shows none, and what metrics.revenue would count is beside it
-- as a memo, off the sheet (docs/decisions.md #47).
with loan_accounts as (
    -- a liability account is a loan (as metrics.rental_monthly's principal); a configured loan's
    -- account counts even before its first line
    select distinct
        entity_id,
        account_code
    from metrics.account_months
    where account_type = 'liability'
    union
    select
        entity_id,
        account_code
    from config.loans
),

opening_owed as (
    select
        loan_accounts.entity_id,
        loan_accounts.account_code,
        coalesce(sum(loans.opening_balance), 0) as opening_balance,
        count(loans.name) as configured_loans
    from loan_accounts
    left join config.loans as loans using (entity_id, account_code)
    group by loan_accounts.entity_id, loan_accounts.account_code
),

-- what each loan account owes at each month end: its opening balance, plus drawdowns (money in),
-- minus principal paid (money out): the lines to date, signed from the bank's view
owed as (
    select
        months.entity_id,
        months.month,
        sum(opening_owed.opening_balance + coalesce(lines.to_date, 0)) as loans_outstanding,
        count(*) filter (
            where opening_owed.configured_loans = 0 and lines.to_date is not null
        ) as unconfigured_loan_accounts
    from metrics.entity_months as months
    inner join opening_owed using (entity_id)
    left join lateral (
        select sum(account_months.month_net) as to_date
        from metrics.account_months as account_months
        where account_months.entity_id = months.entity_id
            and account_months.account_code = opening_owed.account_code
            and account_months.month <= months.month
    ) as lines on true
    group by months.entity_id, months.month
),

fixed as (
    -- only what the entity still holds: a sold asset's value left with it
    select
        entity_id,
        month,
        sum(asset_book_value) as fixed_assets
    from metrics.asset_inventory
    where asset_status = 'active'
    group by entity_id, month
),

sheet as (
    select
        months.entity_id,
        months.month,
        -- the cash the statement of cash flows closes on (metrics.burn's cash_end)
        flows.cash_end,
        revenue.basis,
        case when revenue.basis = 'accrual' then revenue.receivables_owed else 0 end
            as receivables_owed,
        coalesce(fixed.fixed_assets, 0) as fixed_assets,
        case when revenue.basis = 'accrual' then revenue.deferred_revenue else 0 end
            as deferred_revenue,
        case when revenue.basis = 'accrual' then 0 else revenue.receivables_owed end
            as memo_receivables_owed,
        case when revenue.basis = 'accrual' then 0 else revenue.deferred_revenue end
            as memo_deferred_revenue,
        coalesce(owed.loans_outstanding, 0) as loans_outstanding,
        coalesce(owed.unconfigured_loan_accounts, 0) as unconfigured_loan_accounts
    from metrics.entity_months as months
    inner join metrics.cash_flows as flows using (entity_id, month)
    inner join metrics.revenue as revenue using (entity_id, month)
    left join owed using (entity_id, month)
    left join fixed using (entity_id, month)
)

select
    entity_id,
    month,
    basis,
    -- what the entity has
    cash_end,
    receivables_owed::decimal(18, 2) as receivables_owed,
    fixed_assets::decimal(18, 2) as fixed_assets,
    (cash_end + receivables_owed + fixed_assets)::decimal(18, 2) as total_assets,
    -- what it owes
    deferred_revenue::decimal(18, 2) as deferred_revenue,
    loans_outstanding::decimal(18, 2) as loans_outstanding,
    (deferred_revenue + loans_outstanding)::decimal(18, 2) as total_liabilities,
    -- the balancing figure
    (
        cash_end + receivables_owed + fixed_assets - deferred_revenue - loans_outstanding
    )::decimal(18, 2)
        as owner_equity,
    unconfigured_loan_accounts::integer as unconfigured_loan_accounts,
    -- off the sheet: on the cash basis, what metrics.revenue counts as owed and received ahead
    memo_receivables_owed::decimal(18, 2) as memo_receivables_owed,
    memo_deferred_revenue::decimal(18, 2) as memo_deferred_revenue
from sheet
order by entity_id, month
