-- The grade of every entity for one report month ($month): act, watch or on track, with the
-- causes that set it, ranked by what needs the reader first (act, then watch, then on track;
-- within a grade the most money at stake first). The CEO's and the CFO's entity sentences read
-- it, so the two reports agree on each entity's grade (docs/decisions.md, graded verdicts).
--
-- A cause is `act` when it needs the owner this month: an open critical finding (for an
-- overdue invoice: its client, with everything the client owes overdue), a KPI missed by at
-- least a quarter of its target, or cash runway under 6 months. It is `watch` when a KPI is
-- missed by less, runway is under 12 months, or the month has no ledger data. An entity's grade
-- is its worst cause; with none it is on track. Money at stake is the largest amount among its
-- causes (a missed money KPI's gap, the client's overdue balance, a finding's amount), never a
-- sum: collecting the overdue invoices is also what closes the cash gap. $money_kpis: the KPIs
-- measured in money (their glossary unit).
with thresholds as (
    select
        0.25 as act_kpi_miss_share,
        6 as act_runway_months,
        12 as watch_runway_months
),

has_month as (
    select entity_id
    from metrics.burn
    where month = $month
),

missed_kpis as (
    select
        kpi_status.entity_id,
        'kpi' as kind,
        kpi_status.kpi as subject,
        kpi_status.basis,
        kpi_status.better,
        kpi_status.actual,
        kpi_status.target,
        -- how far it misses, positive (the gap is signed so that positive is good)
        -kpi_status.gap as shortfall,
        null::integer as days,
        case
            when kpi_status.target <> 0
                and -kpi_status.gap / abs(kpi_status.target) >= thresholds.act_kpi_miss_share
                then 'act'
            else 'watch'
        end as grade,
        case
            when kpi_status.kpi in (select unnest($money_kpis::varchar[])) then -kpi_status.gap
        end::decimal(18, 2) as money
    from metrics.kpi_status
    cross join thresholds
    where kpi_status.month = $month
        and not kpi_status.met
),

open_critical as (
    select *
    from metrics.finding_status
    where month = $month
        and severity = 'critical'
        and status in ('new', 'still open')
),

-- An overdue invoice is critical past 90 days (metrics.invoice_findings): the cause is its
-- client, with all the client owes overdue and how old the oldest of it is.
critical_clients as (
    select distinct
        entity_id,
        client
    from metrics.receivables_invoices
    where month = $month
        and aging_bucket = 'over 90'
        and open_balance > 0
),

client_causes as (
    select
        accounts.entity_id,
        'client' as kind,
        accounts.client as subject,
        null as basis,
        null as better,
        null::decimal(38, 4) as actual,
        null::decimal(38, 4) as target,
        accounts.overdue_balance::decimal(38, 4) as shortfall,
        accounts.oldest_days_past_due::integer as days,
        'act' as grade,
        accounts.overdue_balance::decimal(18, 2) as money
    from metrics.client_accounts as accounts
    inner join critical_clients using (entity_id, client)
    where accounts.month = $month
        and exists (
            select 1 from open_critical
            where open_critical.entity_id = accounts.entity_id
                and open_critical.source = 'invoice'
        )
),

finding_causes as (
    select
        entity_id,
        'finding' as kind,
        title as subject,
        null as basis,
        null as better,
        null::decimal(38, 4) as actual,
        null::decimal(38, 4) as target,
        amount::decimal(38, 4) as shortfall,
        null::integer as days,
        'act' as grade,
        amount::decimal(18, 2) as money
    from open_critical
    -- an overdue invoice is said by its client, when the receivables know the client
    where source <> 'invoice'
        or entity_id not in (select entity_id from client_causes)
),

-- Months of cash left at the 3-month average cash burn (the CFO's runway). Not repeated when
-- the entity's runway KPI on cash burn is already missed: that cause says it (a KPI on the
-- operating runway is another figure, so the cash runway is still said).
runway_causes as (
    select
        cash_burn.entity_id,
        'runway' as kind,
        'cash_runway_months' as subject,
        null as basis,
        null as better,
        cash_burn.cash_runway_months::decimal(38, 4) as actual,
        null::decimal(38, 4) as target,
        null::decimal(38, 4) as shortfall,
        null::integer as days,
        case
            when cash_burn.cash_runway_months < thresholds.act_runway_months then 'act'
            else 'watch'
        end as grade,
        null::decimal(18, 2) as money
    from metrics.cash_burn
    cross join thresholds
    where cash_burn.month = $month
        and cash_burn.cash_runway_months < thresholds.watch_runway_months
        and not exists (
            select 1 from missed_kpis
            where missed_kpis.entity_id = cash_burn.entity_id
                and missed_kpis.subject = 'cash_runway_months'
        )
),

no_data_causes as (
    select
        entity_id,
        'no_data' as kind,
        null as subject,
        null as basis,
        null as better,
        null::decimal(38, 4) as actual,
        null::decimal(38, 4) as target,
        null::decimal(38, 4) as shortfall,
        null::integer as days,
        'watch' as grade,
        null::decimal(18, 2) as money
    from config.entities
    where entity_id not in (select entity_id from has_month)
),

causes as (
    select * from missed_kpis
    union all
    select * from client_causes
    union all
    select * from finding_causes
    union all
    select * from runway_causes
    union all
    select * from no_data_causes
),

graded as (
    select
        entity_id,
        min(case grade when 'act' then 1 else 2 end) as grade_rank,
        max(money) as money_at_stake,
        list(
            {
                'kind': kind,
                'grade': grade,
                'subject': subject,
                'basis': basis,
                'better': better,
                'actual': actual,
                'target': target,
                'shortfall': shortfall,
                'days': days,
                'money': money
            }
            order by case grade when 'act' then 1 else 2 end, money desc nulls last, kind, subject
        ) as causes
    from causes
    group by entity_id
)

select
    entities.entity_id,
    entities.name,
    case coalesce(graded.grade_rank, 3)
        when 1 then 'act'
        when 2 then 'watch'
        else 'on track'
    end as grade,
    coalesce(graded.grade_rank, 3) as grade_rank,
    graded.money_at_stake,
    coalesce(graded.causes, []) as causes,
    row_number() over (
        order by coalesce(graded.grade_rank, 3), graded.money_at_stake desc nulls last, entities.name
    ) as position
from config.entities as entities
left join graded using (entity_id)
order by position
