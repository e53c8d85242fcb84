-- metrics.cash_forecast_flows: the 13-week cash forecast's flows: each dated flow already known at
-- a report month's end (metrics.forecast_flows) and each capital payment or transfer of the plan
-- (metrics.capital_plan, on the first day of its planned month) falling in the 13 weeks after it,
-- with its week. Money in is positive, money out negative.
-- owner: cfo
-- grain: entity_id, month, flow_kind, source_id, flow_date
with report_months as (
    -- week 1 starts the day after the month's last day, so it starts from the month's cash
    select
        entity_id,
        month,
        month_end
    from metrics.entity_months
),

funded as (
    select * from metrics.capital_plan where decision in ('fund', 'fund with transfer')
),

capital as (
    select
        paid_by as entity_id,
        month,
        planned_month as flow_date,
        'capital' as flow_kind,
        candidate as source_id,
        candidate || ' (capital plan)' as description,
        -cost as amount
    from funded
    union all
    select
        funded.entity_id,
        funded.month,
        funded.planned_month,
        'transfer in',
        funded.candidate,
        'Transfer from ' || givers.name || ' for ' || funded.candidate,
        funded.transfer_amount
    from funded
    inner join config.entities as givers on givers.entity_id = funded.transfer_from
    union all
    select
        funded.transfer_from,
        funded.month,
        funded.planned_month,
        'transfer out',
        funded.candidate,
        'Transfer to ' || takers.name || ' for ' || funded.candidate,
        -funded.transfer_amount
    from funded
    inner join config.entities as takers on takers.entity_id = funded.entity_id
    where funded.transfer_amount is not null
),

flows as (
    select entity_id, month, flow_date, flow_kind, source_id, description, amount
    from metrics.forecast_flows
    union all
    select * from capital
)

select
    flows.entity_id,
    flows.month,
    ((flows.flow_date - report_months.month_end - 1) // 7 + 1)::integer as week,
    (
        report_months.month_end
        + (1 + 7 * ((flows.flow_date - report_months.month_end - 1) // 7))::integer
    )::date as week_start,
    flows.flow_date,
    flows.flow_kind,
    flows.source_id,
    flows.description,
    flows.amount::decimal(18, 2) as amount
from flows
inner join report_months using (entity_id, month)
where flows.flow_date > report_months.month_end
    and flows.flow_date <= report_months.month_end + 91
order by flows.entity_id, flows.month, flows.flow_date, flows.flow_kind, flows.source_id
