-- Opening cash plus the month's flows is the closing cash, to the cent, where the closing cash is
-- metrics.burn's cash_end and the opening cash the month before's (the configured opening cash
-- in the first month): each row here is an entity month whose statement of cash flows loses or
-- invents money (a line in no column or in two), or whose parts do not add up to its sections.
with ledger_months as (
    select
        entity_id,
        month,
        sum(month_net) as ledger_change
    from metrics.account_months
    group by entity_id, month
),

compared as (
    select
        flows.*,
        coalesce(ledger_months.ledger_change, 0) as ledger_change,
        burn.net_burn,
        coalesce(
            lag(flows.cash_end) over (partition by flows.entity_id order by flows.month),
            entities.opening_cash
        ) as previous_cash_end
    from metrics.cash_flows as flows
    inner join config.entities as entities using (entity_id)
    left join metrics.burn as burn using (entity_id, month)
    left join ledger_months using (entity_id, month)
)

select
    entity_id,
    month,
    cash_start,
    net_change,
    cash_end,
    cash_start + net_change - cash_end as difference,
    ledger_change
from compared
where cash_start + net_change <> cash_end
    or cash_start <> previous_cash_end
    or net_change <> ledger_change
    or net_change <> operating + investing + financing + in_transit + unclassified
    or financing <> owner_contributions - owner_draws + loan_proceeds - loan_principal
    + intercompany_in - intercompany_out
    -- operating is the P&L's: metrics.burn's net burn, the other way round
    or net_burn is null
    or operating <> -net_burn
order by entity_id, month
