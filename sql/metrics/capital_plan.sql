-- metrics.capital_plan: for each report month, the configured candidate uses of cash ranked by
-- payback (cost / monthly return) and decided in that order, each on its own entity's cash: a
-- candidate is funded when its entity stays at or above its own floor (metrics.cash_floor: its
-- cash target, else its reserve) through the base projection (metrics.projection_before_capital)
-- after paying for it; otherwise by a transfer from the entity with the most room that stays at
-- or above its own floor after it; otherwise it cannot be funded.
-- owner: cfo
with recursive room as (
    -- an entity's room: how far its cash stays above its floor at its lowest point, from the
    -- report month's end through the last projected month, before any capital spending
    select
        projection.entity_id,
        projection.month,
        least(
            min(projection.projected_cash), any_value(projection.starting_cash)
        ) - any_value(floor.cash_floor) as room
    from metrics.projection_before_capital as projection
    inner join metrics.cash_floor as floor using (entity_id, month)
    where projection.scenario = 'base'
    group by projection.entity_id, projection.month
),

ranked as (
    select
        months.month,
        candidates.name as candidate,
        candidates.entity_id,
        candidates.cost,
        candidates.monthly_return,
        round(candidates.cost / candidates.monthly_return, 1) as payback_months,
        -- the planned month, or the month after the report month; never before it
        greatest(
            coalesce(candidates.planned_month, months.month + interval 1 month),
            months.month + interval 1 month
        )::date as planned_month,
        row_number() over (
            partition by months.month
            order by candidates.cost / candidates.monthly_return, candidates.cost, candidates.name
        ) as payback_rank
    from (select distinct month from metrics.cash_floor) as months
    cross join config.capital_candidates as candidates
),

-- Candidates are decided one at a time in payback order, each on the room the ones before it
-- left: the state is every entity's remaining room, carried from rank to rank.
decisions as (
    select
        month,
        list({'room': room, 'entity_id': entity_id} order by entity_id) as rooms
    from room
    group by month
),

plan (
    month, payback_rank, rooms, own_room, decision, paid_by, transfer_from, transfer_amount
) as (
    select
        month,
        0::bigint,
        rooms,
        null::decimal(18, 2),
        null::varchar,
        null::varchar,
        null::varchar,
        null::decimal(18, 2)
    from decisions
    union all
    select
        month,
        payback_rank,
        case
            when decision = 'fund' and entity_id is not null
                then list_transform(
                    rooms,
                    lambda r: {
                        'room': case when r.entity_id = entity_id then r.room - cost else r.room end,
                        'entity_id': r.entity_id
                    }
                )
            when decision = 'cannot fund' then rooms
            else list_transform(
                rooms,
                lambda r: {
                    'room': case
                        when r.entity_id = donor then r.room - need
                        when r.entity_id = entity_id then r.room - cost + need
                        else r.room
                    end,
                    'entity_id': r.entity_id
                }
            )
        end,
        own_room,
        decision,
        case when decision = 'cannot fund' then null else coalesce(entity_id, donor) end,
        case when decision = 'fund with transfer' then donor end,
        case when decision = 'fund with transfer' then need end
    from (
        select
            *,
            case
                when entity_id is not null and own_room >= cost then 'fund'
                when donor is null then 'cannot fund'
                when entity_id is null then 'fund'
                else 'fund with transfer'
            end as decision
        from (
            select
                *,
                -- the entity with the most room that can give what is needed and stay on its floor
                list_reverse_sort(
                    list_filter(
                        rooms,
                        lambda r: r.entity_id is distinct from entity_id and r.room >= need
                    )
                )[1].entity_id as donor
            from (
                select
                    *,
                    -- what is missing: the cost beyond the entity's room (all of it without one)
                    (cost - coalesce(own_room, 0))::decimal(18, 2)
                        as need
                from (
                    select
                        plan.month,
                        plan.rooms,
                        ranked.payback_rank,
                        ranked.entity_id,
                        ranked.cost,
                        list_filter(
                            plan.rooms, lambda r: r.entity_id = ranked.entity_id
                        )[1].room::decimal(18, 2) as own_room
                    from plan
                    inner join ranked
                        on ranked.month = plan.month
                        and ranked.payback_rank = plan.payback_rank + 1
                )
            )
        )
    )
),

cumulative as (
    select
        *,
        sum(cost) over (partition by month order by payback_rank) as cumulative_cost
    from ranked
)

select
    cumulative.month,
    cumulative.payback_rank,
    cumulative.candidate,
    cumulative.entity_id,
    cumulative.cost,
    cumulative.monthly_return,
    cumulative.payback_months,
    cumulative.cumulative_cost,
    cumulative.planned_month,
    plan.decision,
    plan.paid_by,
    plan.transfer_from,
    plan.transfer_amount,
    -- the room of the candidate's entity before and after it, and of the entity that gave
    plan.own_room as room_before,
    list_filter(
        plan.rooms, lambda r: r.entity_id = cumulative.entity_id
    )[1].room::decimal(18, 2) as room_after,
    list_filter(
        plan.rooms,
        lambda r: r.entity_id = coalesce(
            plan.transfer_from, case when cumulative.entity_id is null then plan.paid_by end
        )
    )[1].room::decimal(18, 2) as donor_room_after
from cumulative
inner join plan using (month, payback_rank)
order by cumulative.month, cumulative.payback_rank
