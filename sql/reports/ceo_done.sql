-- What was done since last month, for the CEO report of $month: the findings resolved in the
-- month (metrics.finding_status: open the month before, not now; a finding past its review
-- window expires and is not listed) and last month's KPI actions whose KPI is now met (missed
-- the month before, met now: every missed KPI is an action of that month's plan). With the money
-- where there is some: the finding's amount, or the gap a money KPI ($money_kpis) had closed.
with resolved_findings as (
    select
        'finding' as kind,
        entity_id,
        finding_id as item,
        source,
        severity,
        title,
        detail,
        round(abs(amount), 2)::decimal(18, 2) as amount,
        null::varchar as metric,
        null::decimal(18, 4) as actual,
        null::decimal(18, 4) as target,
        null::decimal(18, 4) as previous_actual
    from metrics.finding_status
    where month = $month
        and status = 'resolved'
),

kpis_now_met as (
    select
        'kpi' as kind,
        now.entity_id,
        now.kpi as item,
        null as source,
        null as severity,
        null as title,
        null as detail,
        case when now.kpi in (select unnest($money_kpis::varchar[])) and previous.gap < 0
            then round(-previous.gap, 2)
        end::decimal(18, 2) as amount,
        now.kpi as metric,
        now.actual,
        now.target,
        previous.actual as previous_actual
    from metrics.kpi_status as now
    inner join metrics.kpi_status as previous
        on previous.entity_id = now.entity_id
        and previous.kpi = now.kpi
        and previous.month = now.month - interval 1 month
    where now.month = $month
        and now.met
        and not previous.met
),

done as (
    select * from resolved_findings
    union all by name
    select * from kpis_now_met
)

select
    done.*,
    entities.name
from done
inner join config.entities as entities using (entity_id)
order by done.amount desc nulls last, entities.name, done.kind, done.item
