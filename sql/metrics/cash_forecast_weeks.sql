-- metrics.cash_forecast_weeks: the 13-week cash forecast of each entity after each report month:
-- from the cash at the month's end (metrics.burn), week by week the known money in and out
-- (metrics.cash_forecast_flows) and the cash at the week's end. Only known flows: revenue not
-- booked yet and costs that do not recur are not in it.
-- owner: cfo
-- grain: entity_id, month, week
with weeks as (
    select
        burn.entity_id,
        burn.month,
        burn.cash_end as opening_cash,
        numbers.week,
        (last_day(burn.month) + 1 + 7 * (numbers.week - 1))::date as week_start
    from metrics.burn as burn
    cross join (select unnest(generate_series(1, 13))::integer as week) as numbers
),

by_week as (
    select
        entity_id,
        month,
        week,
        coalesce(sum(amount) filter (where amount > 0), 0) as inflows,
        coalesce(-sum(amount) filter (where amount < 0), 0) as outflows
    from metrics.cash_forecast_flows
    group by entity_id, month, week
),

rolled as (
    select
        weeks.entity_id,
        weeks.month,
        weeks.week,
        weeks.week_start,
        (weeks.week_start + 6)::date as week_end,
        weeks.opening_cash,
        coalesce(by_week.inflows, 0)::decimal(18, 2) as inflows,
        coalesce(by_week.outflows, 0)::decimal(18, 2) as outflows,
        sum(coalesce(by_week.inflows, 0) - coalesce(by_week.outflows, 0)) over (
            partition by weeks.entity_id, weeks.month order by weeks.week
        ) as change_to_date
    from weeks
    left join by_week using (entity_id, month, week)
)

select
    entity_id,
    month,
    week,
    week_start,
    week_end,
    (opening_cash + change_to_date - inflows + outflows)::decimal(18, 2) as cash_start,
    inflows,
    outflows,
    (opening_cash + change_to_date)::decimal(18, 2) as cash_end
from rolled
order by entity_id, month, week
