-- Cash at month end for each entity over the twelve months up to the report month ($month).
select entities.name, burn.month, burn.cash_end
from metrics.burn as burn
inner join config.entities as entities using (entity_id)
where burn.month > $month - interval 12 month and burn.month <= $month
order by entities.name, burn.month
