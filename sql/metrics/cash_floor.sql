-- metrics.cash_floor: each entity's own cash floor at the end of each month: its cash target (a
-- `cash_end` KPI) when it has one, else its reserve (reserve_months of its 3-month average gross
-- burn), the line the capital plan keeps its cash above through the projection.
-- owner: cfo
-- grain: entity_id, month
-- series: every
with entity_burn as (
    -- the same window as metrics.cash_reserve: this month and the two before it
    select
        entity_id,
        month,
        cash_end,
        round(avg(gross_burn) over last_three, 2)::decimal(38, 2) as gross_burn_avg_3m
    from metrics.burn
    window last_three as (
        partition by entity_id order by month rows between 2 preceding and current row
    )
),

cash_targets as (
    -- a cash target is a floor only when more cash is better
    select
        entity_id,
        max(target)::decimal(38, 2) as cash_target
    from config.kpis
    where metric = 'cash_end' and better = 'higher'
    group by entity_id
)

select
    entity_burn.entity_id,
    entity_burn.month,
    entity_burn.cash_end,
    entity_burn.gross_burn_avg_3m,
    parameters.reserve_months,
    round(entity_burn.gross_burn_avg_3m * parameters.reserve_months, 2)::decimal(38, 2)
        as reserve,
    cash_targets.cash_target,
    -- the owner's stated target outranks the rule of thumb (docs/decisions.md, decision 36)
    coalesce(
        cash_targets.cash_target,
        round(entity_burn.gross_burn_avg_3m * parameters.reserve_months, 2)::decimal(38, 2)
    ) as cash_floor,
    case when cash_targets.cash_target is not null then 'cash target' else 'reserve' end
        as floor_basis
from entity_burn
cross join config.parameters as parameters
left join cash_targets using (entity_id)
order by entity_burn.entity_id, entity_burn.month
