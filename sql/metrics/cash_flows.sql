-- metrics.cash_flows: the statement of cash flows of each entity and month: cash at the start,
-- the operating, investing and financing flows (owner money, loans and transfers with sister
-- entities apart), money between the entity's own accounts, lines on codes missing from the
-- chart, and cash at the end.
-- owner: cfo
-- grain: entity_id, month
-- series: every
--
-- Every ledger line lands in exactly one column, so the start plus the flows is the end, which is
-- metrics.burn's cash_end (check `closes`, blocking). Classification (docs/decisions.md #34), first match:
--   1. revenue, cogs and expense accounts: operating (the P&L's lines, whoever the counterparty)
--   2. a counterparty that is another entity of the portfolio: intercompany (financing)
--   3. the entity's own transfer accounts (config.transfer_accounts): in transit
--   4. a code missing from the chart: unclassified
--   5. asset accounts: investing; liability accounts: loans; equity accounts: owner money
with entity_names as (
    -- an entity is named in a counterparty by its id or its name, in any case
    select
        entity_id,
        lower(trim(entity_id)) as named
    from config.entities
    union
    select
        entity_id,
        lower(trim(name)) as named
    from config.entities
),

classified as (
    select
        lines.entity_id,
        lines.month,
        lines.amount,
        case
            when lines.account_type in ('revenue', 'cogs', 'expense') then 'operating'
            when sister.entity_id is not null then 'intercompany'
            when transfer.account_code is not null then 'in_transit'
            when lines.account_type is null then 'unclassified'
            when lines.account_type = 'asset' then 'investing'
            when lines.account_type = 'liability' then 'loan'
            when lines.account_type = 'equity' then 'owner'
        end as flow
    from metrics.ledger_lines as lines
    left join entity_names as sister
        on lower(trim(lines.counterparty)) = sister.named
        and sister.entity_id <> lines.entity_id
    left join config.transfer_accounts as transfer
        on lines.entity_id = transfer.entity_id
        and lines.account_code = transfer.account_code
    -- a counterparty matching two sister entities (one's id, another's name) counts once
    qualify row_number() over (
        partition by lines.entity_id, lines.txn_id order by sister.entity_id
    ) = 1
),

by_month as (
    select
        entity_id,
        month,
        coalesce(sum(amount) filter (where flow = 'operating'), 0) as operating,
        coalesce(sum(amount) filter (where flow = 'investing'), 0) as investing,
        -- money in and money out apart, shown positive, so "owner draws" is never net of a
        -- contribution
        coalesce(sum(amount) filter (where flow = 'owner' and amount > 0), 0)
            as owner_contributions,
        coalesce(-sum(amount) filter (where flow = 'owner' and amount < 0), 0) as owner_draws,
        coalesce(sum(amount) filter (where flow = 'loan' and amount > 0), 0) as loan_proceeds,
        coalesce(-sum(amount) filter (where flow = 'loan' and amount < 0), 0) as loan_principal,
        coalesce(sum(amount) filter (where flow = 'intercompany' and amount > 0), 0)
            as intercompany_in,
        coalesce(-sum(amount) filter (where flow = 'intercompany' and amount < 0), 0)
            as intercompany_out,
        coalesce(sum(amount) filter (where flow = 'in_transit'), 0) as in_transit,
        coalesce(sum(amount) filter (where flow = 'unclassified'), 0) as unclassified,
        count(*) filter (where flow = 'unclassified') as unclassified_lines
    from classified
    group by entity_id, month
),

-- every month of the series, a month without lines at zero
flows as (
    select
        months.entity_id,
        months.month,
        coalesce(by_month.operating, 0) as operating,
        coalesce(by_month.investing, 0) as investing,
        coalesce(by_month.owner_contributions, 0) as owner_contributions,
        coalesce(by_month.owner_draws, 0) as owner_draws,
        coalesce(by_month.loan_proceeds, 0) as loan_proceeds,
        coalesce(by_month.loan_principal, 0) as loan_principal,
        coalesce(by_month.intercompany_in, 0) as intercompany_in,
        coalesce(by_month.intercompany_out, 0) as intercompany_out,
        coalesce(by_month.in_transit, 0) as in_transit,
        coalesce(by_month.unclassified, 0) as unclassified,
        coalesce(by_month.unclassified_lines, 0) as unclassified_lines
    from metrics.entity_months as months
    left join by_month using (entity_id, month)
),

totals as (
    select
        *,
        owner_contributions - owner_draws + loan_proceeds - loan_principal
        + intercompany_in - intercompany_out as financing
    from flows
),

changed as (
    select
        *,
        operating + investing + financing + in_transit + unclassified as net_change
    from totals
),

-- The start and end are the cash everything else shows (metrics.burn: opening cash plus every
-- line to date), not a running total of the columns above: the check `closes` then proves the
-- columns add up to what the bank holds.
bounded as (
    select
        changed.*,
        coalesce(
            lag(burn.cash_end) over (partition by changed.entity_id order by changed.month),
            entities.opening_cash
        ) as cash_start,
        burn.cash_end
    from changed
    inner join config.entities as entities using (entity_id)
    inner join metrics.burn as burn using (entity_id, month)
)

select
    entity_id,
    month,
    cash_start::decimal(18, 2) as cash_start,
    -- the three sections
    operating::decimal(18, 2) as operating,
    investing::decimal(18, 2) as investing,
    financing::decimal(18, 2) as financing,
    -- financing, in its parts (positive amounts)
    owner_contributions::decimal(18, 2) as owner_contributions,
    owner_draws::decimal(18, 2) as owner_draws,
    loan_proceeds::decimal(18, 2) as loan_proceeds,
    loan_principal::decimal(18, 2) as loan_principal,
    intercompany_in::decimal(18, 2) as intercompany_in,
    intercompany_out::decimal(18, 2) as intercompany_out,
    -- outside the three sections, still cash
    in_transit::decimal(18, 2) as in_transit,
    unclassified::decimal(18, 2) as unclassified,
    unclassified_lines::integer as unclassified_lines,
    net_change::decimal(18, 2) as net_change,
    cash_end::decimal(18, 2) as cash_end
from bounded
order by entity_id, month
