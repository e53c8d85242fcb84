-- metrics.loan_payments: each entity's loan payments as the ledger shows them at each month end,
-- one row per lender: the principal (money out on a liability account) and the interest (money
-- out on a cost account to the same lender, the same month) of the latest month with a payment in
-- the last three, and the day of the month it was paid, the schedule the forecasts repeat.
-- owner: cfo
-- grain: entity_id, month, lender
--
-- The seam for a configured loan schedule (entities[].loans, metrics.cash_flows): when one
-- exists, this relation is where it replaces the ledger's latest payment; the forecasts read
-- only this relation for debt service.
with lender_months as (
    select
        entity_id,
        month,
        counterparty as lender,
        -sum(amount) filter (where account_type = 'liability' and amount < 0) as principal,
        -sum(amount) filter (
            where account_type in ('cogs', 'expense') and amount < 0
        ) as interest,
        max(date) filter (where account_type = 'liability' and amount < 0) as paid_on
    from metrics.ledger_lines
    where counterparty is not null
    group by entity_id, month, counterparty
    -- a lender is a counterparty paid on a liability account that month (a loan drawn is money in)
    having principal > 0
),

-- At each month end, the latest payment of each lender paid in that month or the two before it:
-- a loan not paid for three months is taken as settled.
latest as (
    select
        months.entity_id,
        months.month,
        lender_months.lender,
        arg_max(lender_months.principal, lender_months.month) as principal,
        arg_max(coalesce(lender_months.interest, 0), lender_months.month) as interest,
        arg_max(lender_months.paid_on, lender_months.month) as last_paid_on
    from metrics.entity_months as months
    inner join lender_months
        on lender_months.entity_id = months.entity_id
        and lender_months.month between months.month - interval 2 month and months.month
    group by months.entity_id, months.month, lender_months.lender
)

select
    entity_id,
    month,
    lender,
    principal::decimal(18, 2) as principal,
    interest::decimal(18, 2) as interest,
    (principal + interest)::decimal(18, 2) as payment,
    last_paid_on,
    day(last_paid_on) as payment_day
from latest
order by entity_id, month, lender
