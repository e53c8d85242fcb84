-- The CEO's 30-day action plan for one report month ($month): every missed KPI
-- (metrics.kpi_status) and every open finding (metrics.finding_status: new or still open) matched
-- to the most specific rule of the rules file (config.action_rules, see
-- exec_reporting/action_rules.py), with its owner, due date and impact in money, ranked by impact and
-- then by due date. $money_kpis lists the KPIs measured in money: only their gap is money.
-- A missed KPI, a critical finding or a finding customers see that no rule matches is returned
-- too, without a rule (rule_index and rank empty), so that the report can say so; other
-- unmatched findings are not actions.
-- Each action carries what it is about, from the metric store, for the rules' placeholders: the
-- entity's channel with the lowest cost per booking, its largest cost accounts, the clients and
-- invoices owed, the stack component. Findings that share a cause (the same rule, the same
-- client) are one action, and the cash action counts only the gap the plan's collections leave
-- (docs/decisions.md, "One cause, one action").
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
        status.entity_id,
        status.finding_id,
        status.source,
        status.rule as finding_rule,
        status.severity,
        status.title,
        status.detail,
        status.amount,
        status.status,
        -- what the finding is about, as its source names it
        findings.component,
        findings.client,
        findings.invoice_id,
        coalesce(findings.faces_customers, false) as faces_customers,
        receivables.days_past_due
    from metrics.finding_status as status
    left join metrics.findings as findings
        on findings.month = status.month
        and findings.finding_id = status.finding_id
    left join metrics.receivables_invoices as receivables
        on receivables.entity_id = status.entity_id
        and receivables.month = status.month
        and receivables.invoice_id = findings.invoice_id
    where status.month = $month
        and status.status in ('new', 'still open')
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
        + (severity is not null)::integer
        + (faces_customers is not null)::integer as specificity
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
        and (rules.faces_customers is null or rules.faces_customers = items.faces_customers)
    -- the most specific matching rule wins; between equals, the first in the file
    qualify row_number() over (
        partition by items.kind, items.entity_id, items.metric, items.finding_id
        order by rules.specificity desc nulls last, rules.rule_index
    ) = 1
),

-- one cause, one action: the findings one rule matches about the same client (overdue invoices
-- of one client) are one collection; any other item is an action of its own
caused as (
    select
        *,
        case
            when kind = 'kpi' then metric
            when client is not null then 'client|' || client
            else finding_id
        end as cause,
        case severity
            when 'critical' then 1 when 'high' then 2 when 'medium' then 3 else 4
        end as severity_rank
    from matched
),

merged as (
    select
        kind,
        entity_id,
        rule_index,
        cause,
        any_value(metric) as metric,
        any_value(actual) as actual,
        any_value(target) as target,
        any_value(gap) as gap,
        string_agg(finding_id, ', ' order by days_past_due desc nulls last, finding_id)
            as finding_id,
        count(finding_id) as findings,
        any_value(source) as source,
        any_value(finding_rule) as finding_rule,
        arg_min(severity, severity_rank) as severity,
        case
            when count(*) = 1 then any_value(title)
            when any_value(source) = 'invoice'
                then count(*) || ' overdue invoices: ' || any_value(client)
            else count(*) || ' findings: ' || any_value(client)
        end as title,
        string_agg(detail, '; ' order by days_past_due desc nulls last, finding_id) as detail,
        sum(abs(amount)) as amount,
        case when bool_or(status = 'still open') then 'still open' else 'new' end as status,
        any_value(action) as action,
        any_value(owner) as owner,
        any_value(due_days) as due_days,
        any_value(impact_rule) as impact_rule,
        any_value(component) as component,
        any_value(client) as client,
        coalesce(
            list(invoice_id order by days_past_due desc, invoice_id)
                filter (where invoice_id is not null),
            []
        ) as invoice_ids,
        max(days_past_due) as days_past_due,
        bool_or(faces_customers) as faces_customers
    from caused
    group by kind, entity_id, rule_index, cause
),

valued as (
    select
        merged.*,
        'A-' || upper(left(md5(merged.kind || '|' || merged.entity_id || '|' || merged.cause), 8))
            as action_id,
        (last_day($month::date) + merged.due_days)::date as due_on,
        -- the money the action is worth: the missing part of a money KPI, or what the finding
        -- puts at stake; empty when it cannot be said in money
        case merged.impact_rule
            when 'gap' then case
                when merged.metric in (select unnest($money_kpis::varchar[])) and merged.gap < 0
                    then round(-merged.gap, 2)
            end
            when 'amount' then round(merged.amount, 2)
        end::decimal(18, 2) as gap_impact
    from merged
    where merged.rule_index is not null
        or merged.kind = 'kpi'
        or merged.severity = 'critical'
        or merged.faces_customers
),

-- what the plan's collections bring each entity: the impact of its actions that count invoices
collections as (
    select
        entity_id,
        sum(gap_impact) as collecting,
        list(distinct client order by client) as collect_clients,
        flatten(list(invoice_ids)) as collected_invoices
    from valued
    where rule_index is not null
        and len(invoice_ids) > 0
        and gap_impact is not null
    group by entity_id
),

-- what clients owe each entity past due at month end besides the invoices the plan collects
-- (an invoice not yet due comes in on its own)
owed_by_client as (
    select
        receivables.entity_id,
        receivables.client,
        sum(receivables.open_balance) as owed,
        list(receivables.invoice_id order by receivables.due_on, receivables.invoice_id)
            as invoice_ids
    from metrics.receivables_invoices as receivables
    left join collections using (entity_id)
    where receivables.month = $month
        and receivables.days_past_due > 0
        and not list_contains(coalesce(collections.collected_invoices, []), receivables.invoice_id)
    group by receivables.entity_id, receivables.client
),

owed as (
    select
        entity_id,
        sum(owed) as owed_amount,
        list(client order by owed desc, client) as owed_clients,
        flatten(list(invoice_ids order by owed desc, client)) as owed_invoices
    from owed_by_client
    group by entity_id
),

-- the paid channel that brought bookings at the lowest cost each (as the CMO report's matrix)
cheapest_channel as (
    select
        entity_id,
        channel,
        cost_per_booking as channel_cost_per_booking
    from metrics.channel_matrix
    where month = $month
        and spend > 0
        and bookings > 0
    qualify row_number() over (
        partition by entity_id order by cost_per_booking, channel
    ) = 1
),

-- without channels.csv, the revenue account that brought the most in the month
best_revenue_account as (
    select
        entity_id,
        account_code || ' ' || coalesce(account_name, '(not in the chart)') as revenue_account,
        money_in as revenue_account_amount
    from metrics.account_months
    where month = $month
        and account_type = 'revenue'
        and money_in > 0
    qualify row_number() over (partition by entity_id order by money_in desc, account_code) = 1
),

-- the accounts with the most spending in the month, by kind of cost
costs as (
    select
        entity_id,
        account_code || ' ' || coalesce(account_name, '(not in the chart)') as account,
        account_type,
        account_behavior,
        money_out
    from metrics.account_months
    where month = $month
        and account_type in ('expense', 'cogs')
        and money_out > 0
),

largest_costs as (
    select
        entity_id,
        arg_max(account, (money_out, account)) as largest_cost,
        max(money_out) as largest_cost_amount,
        arg_max(account, (money_out, account)) filter (where account_type = 'expense')
            as largest_expense,
        max(money_out) filter (where account_type = 'expense') as largest_expense_amount,
        arg_max(account, (money_out, account)) filter (where account_behavior = 'fixed')
            as largest_fixed_cost,
        max(money_out) filter (where account_behavior = 'fixed') as largest_fixed_cost_amount,
        arg_max(account, (money_out, account)) filter (where account_type = 'cogs')
            as largest_direct_cost,
        max(money_out) filter (where account_type = 'cogs') as largest_direct_cost_amount,
        arg_max(account, (money_out, account)) filter (where account_behavior = 'variable')
            as largest_variable_cost,
        max(money_out) filter (where account_behavior = 'variable')
            as largest_variable_cost_amount
    from costs
    group by entity_id
),

-- collected money is counted once: the cash action is worth the part of the cash gap that the
-- plan's collections leave
counted as (
    select
        valued.*,
        case
            when valued.kind = 'kpi' and valued.metric = 'cash_end' and valued.gap_impact is not null
                then greatest(valued.gap_impact - coalesce(collections.collecting, 0), 0)
            else valued.gap_impact
        end::decimal(18, 2) as impact,
        case when valued.kind = 'kpi' and valued.metric = 'cash_end'
            then collections.collecting end::decimal(18, 2) as collecting,
        case when valued.kind = 'kpi' and valued.metric = 'cash_end'
            then collections.collect_clients end as collect_clients
    from valued
    left join collections using (entity_id)
)

select
    case when counted.rule_index is not null then row_number() over (
        partition by counted.rule_index is null
        order by counted.impact desc nulls last, counted.due_on, entities.name, counted.action_id
    ) end as rank,
    counted.action_id,
    $month::date as month,
    counted.kind,
    counted.entity_id,
    entities.name,
    counted.metric,
    counted.actual,
    counted.target,
    counted.gap,
    counted.finding_id,
    counted.findings,
    counted.source,
    counted.finding_rule,
    counted.severity,
    counted.title,
    counted.detail,
    counted.amount,
    counted.status,
    counted.rule_index,
    counted.action,
    counted.owner,
    counted.due_days,
    counted.due_on,
    counted.impact,
    -- what the action is about
    counted.component,
    counted.client,
    counted.invoice_ids,
    counted.days_past_due,
    counted.faces_customers,
    counted.collecting,
    counted.collect_clients,
    owed.owed_amount,
    owed.owed_clients,
    owed.owed_invoices,
    cheapest_channel.channel,
    cheapest_channel.channel_cost_per_booking,
    best_revenue_account.revenue_account,
    best_revenue_account.revenue_account_amount,
    largest_costs.* exclude (entity_id)
from counted
inner join config.entities as entities using (entity_id)
left join owed using (entity_id)
left join cheapest_channel using (entity_id)
left join best_revenue_account using (entity_id)
left join largest_costs using (entity_id)
order by rank nulls last, entities.name, counted.action_id
