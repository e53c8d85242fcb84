-- The entities whose data does not cover the report month ($month_end): no ledger line on or
-- after the month's last day. A month's pack goes out only when this is empty (or the month is
-- closed in reporting.yaml).
select
    entities.entity_id,
    entities.name,
    max(ledger.date) as last_ledger_date
from config.entities as entities
left join raw.ledger as ledger using (entity_id)
group by entities.entity_id, entities.name
having max(ledger.date) is null or max(ledger.date) < $month_end
order by entities.name
