-- metrics.revenue: revenue per entity and month on the entity's basis (reporting.yaml
-- `basis`), with the bridge from cash received to revenue recognized: cash received - increase
-- in deferred revenue + increase in receivables = recognized revenue.
-- owner: cfo
-- grain: entity_id, month
-- series: every
--
-- Cash received is the revenue of metrics.monthly_pnl (the bank's revenue lines, refunds taken
-- off). Recognized revenue is what the bookings and invoices earned in the month
-- (metrics.revenue_events) plus the revenue lines that belong to none of them
-- (metrics.revenue_cash_lines), earned when received. Deferred revenue and receivables are the
-- items' positions: what each was paid less what it earned so far, above zero deferred, below
-- zero receivable.
with balance_dates as (
    -- every month end, and the day before each entity's first month: its opening balances
    select entity_id, month_end as balance_date
    from metrics.entity_months
    union
    select entity_id, (min(month) - interval 1 day)::date
    from metrics.entity_months
    group by entity_id
),

-- Each item's span: an item whose last event is behind a date keeps its final position (zero
-- once paid and earned), so only the dates inside its span need its events added up.
items as (
    select
        entity_id,
        item_type,
        item_id,
        min(event_date) as first_date,
        max(event_date) as last_date,
        sum(cash_moved - revenue_earned) as final_position
    from metrics.revenue_events
    group by entity_id, item_type, item_id
),

positions_inside_span as (
    select
        dates.entity_id,
        dates.balance_date,
        items.item_type,
        items.item_id,
        sum(events.cash_moved - events.revenue_earned) as item_position
    from balance_dates as dates
    inner join items
        on items.entity_id = dates.entity_id
        and dates.balance_date >= items.first_date
        and dates.balance_date < items.last_date
    inner join metrics.revenue_events as events
        on events.entity_id = items.entity_id
        and events.item_type = items.item_type
        and events.item_id = items.item_id
        and events.event_date <= dates.balance_date
    group by all
),

positions_after_span as (
    select
        dates.entity_id,
        dates.balance_date,
        items.item_type,
        items.item_id,
        items.final_position as item_position
    from balance_dates as dates
    inner join items
        on items.entity_id = dates.entity_id
        and dates.balance_date >= items.last_date
    where items.final_position <> 0
),

balances as (
    select
        entity_id,
        balance_date,
        sum(greatest(item_position, 0)) as deferred_revenue,
        sum(greatest(-item_position, 0)) as receivables_owed
    from (
        select * from positions_inside_span
        union all
        select * from positions_after_span
    )
    group by entity_id, balance_date
),

earned_by_items as (
    select entity_id, month, sum(revenue_earned) as recognized
    from metrics.revenue_events
    group by entity_id, month
),

-- revenue lines no booking or invoice accounts for (interest earned, a walk-in sale, a refund
-- of nothing on file): earned, or given back, when the cash moves
cash_on_receipt as (
    select entity_id, month, sum(amount) as cash_on_receipt
    from metrics.revenue_cash_lines
    where item_type is null
    group by entity_id, month
),

refunds as (
    select entity_id, month, sum(money_out) as refunds
    from metrics.account_months
    where account_type = 'revenue'
    group by entity_id, month
),

bridged as (
    select
        months.entity_id,
        months.month,
        entities.basis,
        pnl.revenue as cash_received,
        coalesce(refunds.refunds, 0)::decimal(18, 2) as refunds,
        coalesce(on_receipt.cash_on_receipt, 0)::decimal(18, 2) as cash_on_receipt,
        (
            coalesce(earned.recognized, 0) + coalesce(on_receipt.cash_on_receipt, 0)
        )::decimal(18, 2) as recognized_revenue,
        coalesce(closing.deferred_revenue, 0)::decimal(18, 2) as deferred_revenue,
        (
            coalesce(closing.deferred_revenue, 0) - coalesce(opening.deferred_revenue, 0)
        )::decimal(18, 2) as deferred_change,
        coalesce(closing.receivables_owed, 0)::decimal(18, 2) as receivables_owed,
        (
            coalesce(closing.receivables_owed, 0) - coalesce(opening.receivables_owed, 0)
        )::decimal(18, 2) as receivables_change
    from metrics.entity_months as months
    inner join config.entities as entities using (entity_id)
    inner join metrics.monthly_pnl as pnl using (entity_id, month)
    left join refunds using (entity_id, month)
    left join cash_on_receipt as on_receipt using (entity_id, month)
    left join earned_by_items as earned using (entity_id, month)
    left join balances as closing
        on closing.entity_id = months.entity_id
        and closing.balance_date = months.month_end
    left join balances as opening
        on opening.entity_id = months.entity_id
        and opening.balance_date = (months.month - interval 1 day)::date
)

select
    entity_id,
    month,
    basis,
    -- the figure the entity's reports count: cash when received, or revenue when earned
    case when basis = 'accrual' then recognized_revenue else cash_received end as revenue,
    -- the bridge
    cash_received,
    refunds,
    deferred_change,
    receivables_change,
    recognized_revenue,
    -- what the bridge is made of
    cash_on_receipt,
    deferred_revenue,
    receivables_owed
from bridged
order by entity_id, month
