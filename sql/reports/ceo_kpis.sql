-- Every KPI of one report month ($month) with its actual, target and gap (metrics.kpi_status), the
-- gap as a share of the target (for the chart; empty for a zero target), how many months in a
-- row it has been missed and last month's actual. Missed KPIs first, then by entity and KPI.
with this_month as (
    select *
    from metrics.kpi_status
    where month = $month
),

-- the last month up to $month in which each KPI was not missed, and where its series starts
history as (
    select
        entity_id,
        kpi,
        max(month) filter (where met is distinct from false) as last_not_missed,
        min(month) as first_month
    from metrics.kpi_status
    where month <= $month
    group by entity_id, kpi
),

previous as (
    select
        entity_id,
        kpi,
        actual as previous_actual
    from metrics.kpi_status
    where month = $month - interval 1 month
)

select
    this_month.entity_id,
    entities.name,
    this_month.kpi,
    this_month.basis,
    this_month.actual,
    this_month.target,
    this_month.better,
    this_month.gap,
    this_month.met,
    case
        when this_month.target <> 0 then this_month.gap / abs(this_month.target)
    end::double as gap_share,
    -- missed since the month after the last month it was not missed (or since the series began)
    case
        when not this_month.met then date_diff(
            'month',
            coalesce(history.last_not_missed, (history.first_month - interval 1 month)::date),
            this_month.month
        )
    end as months_missed,
    previous.previous_actual
from this_month
inner join config.entities as entities using (entity_id)
left join history using (entity_id, kpi)
left join previous using (entity_id, kpi)
order by
    case when not this_month.met then 0 when this_month.met is null then 1 else 2 end,
    entities.name,
    this_month.kpi
