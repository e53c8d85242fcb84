-- The lines of one entity's revenue bridges for the report month ($entity_id, $month), from
-- metrics.revenue_events and metrics.revenue, so that they add up to metrics.revenue's figures to
-- the cent. `bridge` says which bridge a line belongs to:
--   earned: what the month earned besides the report's operational figure (the earning events of
--     $figure_event, 'service' for trips and rent, 'issue' for invoices): other items' earning
--     events, refunds, kept cancellations, and revenue cash no booking or invoice accounts for;
--     operational figure + these lines = recognized revenue.
--   timing: cash received + these lines = recognized revenue: each item's change in deferred
--     revenue (taken off) and in receivables (added), grouped by kind of change and the month the
--     items are earned in; a last line holds what the exports do not explain (the bank lines
--     metrics.revenue's bridge_closes check counts), only when it is not zero.
-- `amount` is signed for the direction cash received -> revenue earned; a cash-basis report walks
-- the timing lines the other way (minus each).
with events as (
    select *
    from metrics.revenue_events
    where entity_id = $entity_id
),

month_bounds as (
    select $month::date as month_start, (($month::date + interval 1 month) - interval 1 day)::date
        as month_end
),

items as (
    select
        events.item_type,
        events.item_id,
        coalesce(sum(events.cash_moved - events.revenue_earned)
            filter (where events.event_date < bounds.month_start), 0) as position_open,
        coalesce(sum(events.cash_moved - events.revenue_earned)
            filter (where events.event_date <= bounds.month_end), 0) as position_close,
        -- when the item is earned: a booking's service date, an invoice's issue date
        min(events.event_date) filter (where events.event in ('service', 'issue', 'cancellation'))
            as earned_on
    from events
    cross join month_bounds as bounds
    group by events.item_type, events.item_id
),

changes as (
    select
        item_type,
        item_id,
        earned_on,
        date_trunc('month', earned_on)::date as earned_month,
        greatest(position_close, 0) - greatest(position_open, 0) as deferred_change,
        greatest(-position_close, 0) - greatest(-position_open, 0) as receivables_change
    from items
),

timing as (
    select
        case when receivables_change > 0 then 'receivable_up' else 'receivable_down' end as what,
        item_type,
        earned_on,
        earned_month,
        item_id,
        receivables_change as amount
    from changes
    where receivables_change <> 0
    union all
    select
        case when deferred_change > 0 then 'deferred_up' else 'deferred_down' end,
        item_type,
        earned_on,
        earned_month,
        item_id,
        -deferred_change
    from changes
    where deferred_change <> 0
),

earned as (
    select
        case
            when event in ('service', 'issue') then item_type
            else event
        end as what,
        item_type,
        event_date as earned_on,
        month as earned_month,
        item_id,
        revenue_earned as amount
    from events
    where month = $month
        and revenue_earned <> 0
        and event <> $figure_event
),

revenue as (
    select *
    from metrics.revenue
    where entity_id = $entity_id and month = $month
),

lines as (
    select 'earned' as bridge, what, item_type, earned_on, earned_month, item_id, amount
    from earned
    union all
    select 'earned', 'on_receipt', null, null, null, null, cash_on_receipt
    from revenue
    where cash_on_receipt <> 0
    union all
    select 'timing', what, item_type, earned_on, earned_month, item_id, amount
    from timing
),

grouped as (
    select
        bridge,
        what,
        item_type,
        earned_month,
        -- the date an item is earned on, when the line has one item (or its items share it)
        case when min(earned_on) = max(earned_on) then min(earned_on) end as earned_on,
        count(item_id) as items,
        string_agg(item_id, ', ' order by item_id) as item_ids,
        sum(amount)::decimal(18, 2) as amount
    from lines
    group by all
),

-- what the bank says and the exports do not explain: zero when metrics.revenue's bridge closes
unexplained as (
    select
        'timing' as bridge,
        'unexplained' as what,
        null as item_type,
        null::date as earned_month,
        null::date as earned_on,
        0 as items,
        null as item_ids,
        (
            revenue.recognized_revenue - revenue.cash_received
            - coalesce((select sum(amount) from timing), 0)
        )::decimal(18, 2) as amount
    from revenue
)

select *
from (
    select * from grouped
    union all
    select * from unexplained where amount <> 0
)
order by
    bridge,
    case what
        when 'receivable_up' then 1
        when 'receivable_down' then 2
        when 'deferred_up' then 3
        when 'deferred_down' then 4
        when 'on_receipt' then 9
        when 'unexplained' then 10
        else 5
    end,
    earned_month,
    item_type,
    what
