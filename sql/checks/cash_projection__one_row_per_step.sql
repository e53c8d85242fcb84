-- One projected month per entity, report month, scenario and step ahead.
select entity_id, month, scenario, months_ahead, count(*) as rows
from metrics.cash_projection
group by all
having count(*) > 1
