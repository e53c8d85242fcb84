-- The weekly flash's headline figures: the portfolio's cash at the end of the ISO week $week and
-- of the week before ($previous_week), money in and out and revenue (each entity on its own
-- basis) in both weeks, summed over the entities of metrics.weekly_flows.
select
    sum(week_closing_cash) filter (where iso_week = $week) as cash_end,
    sum(week_closing_cash) filter (where iso_week = $previous_week) as previous_cash_end,
    sum(week_money_in) filter (where iso_week = $week) as money_in,
    sum(week_money_in) filter (where iso_week = $previous_week) as previous_money_in,
    sum(week_money_out) filter (where iso_week = $week) as money_out,
    sum(week_money_out) filter (where iso_week = $previous_week) as previous_money_out,
    sum(week_revenue) filter (where iso_week = $week) as revenue,
    sum(week_revenue) filter (where iso_week = $previous_week) as previous_revenue,
    count(*) filter (where iso_week = $week) as entities
from metrics.weekly_flows
where iso_week in ($week, $previous_week)
