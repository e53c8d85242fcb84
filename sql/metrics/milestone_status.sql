-- metrics.milestone_status: one row per configured marketing milestone (config.milestones) and
-- month: whether it is done (marked done, or shown by that month's data) and, if not, how soon
-- it is due, counted from the month's last day.
-- owner: cmo
-- grain: month, milestone_id
with portfolio_months as (
    select distinct month, month_end
    from metrics.entity_months
),

-- a milestone of one entity follows that entity's series; a milestone of no entity (the whole
-- portfolio) follows every month any entity has
milestone_months as (
    select
        months.month,
        months.month_end,
        milestones.*
    from config.milestones as milestones
    inner join metrics.entity_months as months using (entity_id)
    union all by name
    select
        months.month,
        months.month_end,
        milestones.*
    from config.milestones as milestones
    cross join portfolio_months as months
    where milestones.entity_id is null
),

-- the monthly figures a milestone's metric may name (the KPI columns, see config.py), one row
-- per entity, month and figure; empty figures are kept. Revenue and the figures made of it are
-- on the entity's basis (metrics.pnl_on_basis), as in metrics.kpi_status.
monthly_figures as (
    select
        pnl.* exclude (basis),
        burn.* exclude (entity_id, month, revenue),
        break_even.* exclude (entity_id, month, revenue)
    from metrics.pnl_on_basis as pnl
    inner join metrics.burn as burn using (entity_id, month)
    inner join metrics.break_even as break_even using (entity_id, month)
),

figures as (
    select *
    from (
        select entity_id, month, columns(* exclude (entity_id, month))::decimal(38, 4)
        from monthly_figures
    )
    unpivot include nulls (actual for kpi in (columns(* exclude (entity_id, month))))
),

-- the channel is listed when the entity's channels.csv row for the month says yes; for a
-- portfolio milestone, when any entity's does
listings as (
    select
        milestone_months.month,
        milestone_months.entity_id,
        milestone_months.title,
        coalesce(bool_or(matrix.listed), false) as listed
    from milestone_months
    left join metrics.channel_matrix as matrix
        on milestone_months.month = matrix.month
        and milestone_months.channel_listed = matrix.channel
        and (milestone_months.entity_id is null or milestone_months.entity_id = matrix.entity_id)
    where milestone_months.channel_listed is not null
    group by milestone_months.month, milestone_months.entity_id, milestone_months.title
),

judged as (
    select
        milestone_months.month,
        milestone_months.entity_id,
        -- a stable id, the same every month: M- and the first 8 characters (upper case) of the
        -- MD5 of entity and title (a portfolio milestone has no entity)
        'M-' || upper(left(md5(coalesce(milestone_months.entity_id, '') || '|'
            || milestone_months.title), 8)) as milestone_id,
        milestone_months.title as milestone,
        milestone_months.due as milestone_due,
        milestone_months.owner as milestone_owner,
        milestone_months.channel_listed,
        milestone_months.metric as kpi,
        milestone_months.target,
        milestone_months.better,
        figures.actual,
        listings.listed,
        -- as in metrics.kpi_gaps: an empty runway means "not burning", which meets a runway
        -- target where higher is better; any other empty figure cannot be judged. A portfolio
        -- milestone's metric is not judged from the data (entities' figures do not all add up).
        case
            when milestone_months.metric is null or milestone_months.target is null then null
            when figures.kpi is null then null
            when figures.actual is null
                then case
                    when milestone_months.metric = 'runway_months'
                        and milestone_months.better = 'higher' then true
                end
            when milestone_months.better = 'higher' then figures.actual >= milestone_months.target
            else figures.actual <= milestone_months.target
        end as met,
        milestone_months.done as marked_done,
        (milestone_months.due - milestone_months.month_end)::integer as days_to_due
    from milestone_months
    left join figures
        on milestone_months.entity_id = figures.entity_id
        and milestone_months.month = figures.month
        and milestone_months.metric = figures.kpi
    left join listings
        on milestone_months.month = listings.month
        and milestone_months.entity_id is not distinct from listings.entity_id
        and milestone_months.title = listings.title
),

decided as (
    -- done when marked so, or when the data shows either condition
    select
        *,
        marked_done or coalesce(listed, false) or coalesce(met, false) as milestone_done
    from judged
)

select
    *,
    -- not done: the 30/60/90-day windows from the month's last day (a milestone due on that
    -- very day is due in 30 days, not overdue)
    case
        when milestone_done then 'done'
        when days_to_due < 0 then 'overdue'
        when days_to_due <= 30 then 'due in 30 days'
        when days_to_due <= 60 then 'due in 60 days'
        when days_to_due <= 90 then 'due in 90 days'
        else 'later'
    end as milestone_status
from decided
order by month, milestone_due, entity_id, milestone
