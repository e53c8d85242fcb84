-- Each entity's 13-week cash forecast after the report month ($month), week by week.
select
    entities.entity_id,
    entities.name,
    weeks.week,
    weeks.week_start,
    weeks.cash_start,
    weeks.inflows,
    weeks.outflows,
    weeks.cash_end
from metrics.cash_forecast_weeks as weeks
inner join config.entities as entities using (entity_id)
where weeks.month = $month
order by entities.name, weeks.week
