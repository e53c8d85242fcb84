-- The CEO's 30-day action plan for one report month ($month): every missed KPI
-- (metrics.kpi_status) and every open finding (metrics.finding_status: new or still open) matched
-- to the most specific rule of the rules file (config.action_rules, see
-- exec_reporting/action_rules.py), with its owner, due date and impact in money, ranked by impact and
-- then by due date. $money_kpis lists the KPIs measured in money: only their gap is money.
-- A missed KPI or a critical finding that no rule matches is returned too, without a rule
-- (rule_index and rank empty), so that the report can say so; other unmatched findings are
-- not actions.
with missed_kpis as (
    select
        'kpi' as kind,
        gaps.entity_id,
        gaps.kpi as metric,
        gaps.actual,
        gaps.target,
        gaps.gap,
        -- missed last month too: the action carries over
        case when previous.met = false then 'still open' else 'new' end as status
    from metrics.kpi_status as gaps
    left join metrics.kpi_status as previous
        on previous.entity_id = gaps.entity_id
        and previous.kpi = gaps.kpi
        and previous.month = gaps.month - interval 1 month
    where gaps.month = $month
        and not gaps.met
),

open_findings as (
    select
        'finding' as kind,
        entity_id,
        finding_id,
        source,
        rule as finding_rule,
        severity,
        title,
        detail,
        amount,
        status
    from metrics.finding_status
    where month = $month
        and status in ('new', 'still open')
),

items as (
    select * from missed_kpis
    union all by name
    select * from open_findings
),

-- how many match keys a rule sets besides its kind: the more, the more specific
rules as (
    select
        *,
        (entity_id is not null)::integer
        + (metric is not null)::integer
        + (source is not null)::integer
        + (finding_rule is not null)::integer
        + (severity is not null)::integer as specificity
    from config.action_rules
),

matched as (
    select
        items.*,
        rules.rule_index,
        rules.action,
        rules.owner,
        rules.due_days,
        rules.impact as impact_rule
    from items
    left join rules
        on rules.kind = items.kind
        and (rules.entity_id is null or rules.entity_id = items.entity_id)
        and (rules.metric is null or rules.metric = items.metric)
        and (rules.source is null or rules.source = items.source)
        and (rules.finding_rule is null or rules.finding_rule = items.finding_rule)
        and (rules.severity is null or rules.severity = items.severity)
    -- the most specific matching rule wins; between equals, the first in the file
    qualify row_number() over (
        partition by items.kind, items.entity_id, items.metric, items.finding_id
        order by rules.specificity desc nulls last, rules.rule_index
    ) = 1
),

valued as (
    select
        matched.*,
        'A-' || upper(left(md5(matched.kind || '|' || matched.entity_id || '|'
            || coalesce(matched.metric, matched.finding_id)), 8)) as action_id,
        (last_day($month::date) + matched.due_days)::date as due_on,
        -- the money the action is worth: the missing part of a money KPI, or what the finding
        -- puts at stake; empty when it cannot be said in money
        case matched.impact_rule
            when 'gap' then case
                when matched.metric in (select unnest($money_kpis::varchar[])) and matched.gap < 0
                    then round(-matched.gap, 2)
            end
            when 'amount' then round(abs(matched.amount), 2)
        end::decimal(18, 2) as impact
    from matched
    where matched.rule_index is not null
        or matched.kind = 'kpi'
        or matched.severity = 'critical'
)

select
    case when valued.rule_index is not null then row_number() over (
        partition by valued.rule_index is null
        order by valued.impact desc nulls last, valued.due_on, entities.name, valued.action_id
    ) end as rank,
    valued.action_id,
    valued.kind,
    valued.entity_id,
    entities.name,
    valued.metric,
    valued.actual,
    valued.target,
    valued.gap,
    valued.finding_id,
    valued.source,
    valued.finding_rule,
    valued.severity,
    valued.title,
    valued.detail,
    valued.amount,
    valued.status,
    valued.rule_index,
    valued.action,
    valued.owner,
    valued.due_days,
    valued.due_on,
    valued.impact
from valued
inner join config.entities as entities using (entity_id)
order by rank nulls last, entities.name, valued.action_id
