-- metrics.logistics_trip_costs: the ledger cost lines of each logistics entity that belong to a
-- trip, one row per line: a cost line belongs to the trip whose booking id its description names.
-- owner: ceo
-- grain: entity_id, txn_id
with trips as (
    -- a cancelled or refunded booking is no trip: what it cost stays in the overhead
    select
        bookings.entity_id,
        bookings.booking_id as trip_id
    from raw.bookings as bookings
    inner join config.entities as entities using (entity_id)
    where entities.kind = 'logistics'
        and bookings.status = 'confirmed'
),

-- Cost lines are those on cogs and expense accounts, money out or back. The description is cut
-- into words at every character that cannot be part of a booking id (anything but letters,
-- digits, - and _), so "Fuel, trip EYD-0061 (San Diego...)" names EYD-0061 and not EYD-006.
cost_lines as (
    select
        entity_id,
        txn_id,
        date,
        month,
        amount,
        account_name,
        string_split_regex(coalesce(description, ''), '[^A-Za-z0-9_-]+') as words
    from metrics.ledger_lines
    where account_type in ('cogs', 'expense')
),

-- A line naming two trips is charged to one of them only (the first id in sort order), so no
-- cost is counted twice.
allocated as (
    select
        cost_lines.*,
        trips.trip_id
    from cost_lines
    inner join trips
        on trips.entity_id = cost_lines.entity_id
        and list_contains(cost_lines.words, trips.trip_id)
    qualify row_number() over (
        partition by cost_lines.entity_id, cost_lines.txn_id
        order by trips.trip_id
    ) = 1
)

-- Fuel and crew are told apart by the account's name in the chart ("Fuel"; "Crew & labor");
-- everything else a trip costs (marina fees, transit) is "other".
select
    entity_id,
    trip_id,
    txn_id,
    date,
    month,
    case
        when account_name ilike '%fuel%' then 'fuel'
        when account_name ilike '%crew%' or account_name ilike '%labor%' then 'crew'
        else 'other'
    end as cost_type,
    (-amount)::decimal(18, 2) as line_cost
from allocated
order by entity_id, trip_id, date, txn_id
