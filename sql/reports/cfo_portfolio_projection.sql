-- The portfolio's projected cash per scenario and month ahead, for the report month ($month):
-- the entities' projections added up.
select
    scenario,
    months_ahead,
    projected_month,
    sum(projected_cash) as projected_cash
from metrics.cash_projection
where month = $month
group by all
order by scenario, months_ahead
