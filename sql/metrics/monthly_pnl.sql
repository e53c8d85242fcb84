-- metrics.monthly_pnl: profit and loss per entity and month, from the ledger's revenue, cogs and
-- expense lines.
-- owner: cfo
-- grain: entity_id, month

-- Only income-statement accounts: owner money, loans and asset purchases move cash but are not
-- profit or loss, and a code missing from the chart (no type) cannot be placed in any line.
-- Ledger amounts are signed from the bank's view, so costs (money out) are negated to be
-- positive, while refunds stay as negative revenue.
with monthly_totals as (
    select
        entity_id,
        month,
        coalesce(sum(month_net) filter (where account_type = 'revenue'), 0) as revenue,
        coalesce(-sum(month_net) filter (where account_type = 'cogs'), 0) as cogs,
        coalesce(-sum(month_net) filter (where account_type = 'expense'), 0) as opex
    from metrics.account_months
    where account_type in ('revenue', 'cogs', 'expense')
    group by entity_id, month
),

-- Every month of the series, so that a month without activity shows as zeros.
filled as (
    select
        months.entity_id,
        months.month,
        coalesce(totals.revenue, 0)::decimal(18, 2) as revenue,
        coalesce(totals.cogs, 0)::decimal(18, 2) as cogs,
        coalesce(totals.opex, 0)::decimal(18, 2) as opex
    from metrics.entity_months as months
    left join monthly_totals as totals using (entity_id, month)
)

select
    entity_id,
    month,
    revenue,
    cogs,
    (revenue - cogs)::decimal(18, 2) as gross_profit,
    -- a margin on no revenue means nothing, so it is left empty rather than shown as zero
    case when revenue <> 0 then ((revenue - cogs) / revenue)::double end as gross_margin_pct,
    opex,
    (revenue - cogs - opex)::decimal(18, 2) as operating_income
from filled
order by entity_id, month
