-- Each entity's cash at the end of the projection and the month it runs out, per scenario, for
-- the report month ($month); entities without data for the month are left out.
select
    entities.entity_id,
    entities.name,
    projection.scenario,
    arg_max(projection.projected_cash, projection.months_ahead) as cash_at_horizon,
    max(projection.projected_month) as horizon_month,
    min(projection.projected_month) filter (where projection.projected_cash < 0) as runs_out_month
from metrics.cash_projection as projection
inner join config.entities as entities using (entity_id)
where projection.month = $month
group by all
order by entities.name, projection.scenario
