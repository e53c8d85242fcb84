-- One break-even outlook per entity and month.
select entity_id, month, count(*) as rows
from metrics.break_even_trend
group by all
having count(*) > 1
