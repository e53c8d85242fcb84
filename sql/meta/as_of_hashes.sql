-- The "data as of" of every report month (report_months): each entity's last ledger date up to
-- the month's end. Every report states it, so it is part of every report's inputs.
select
    'as_of' as table_name,
    report_months.month,
    entities.entity_id,
    coalesce(max(ledger.date)::varchar, '-') as h
from report_months
cross join config.entities as entities
left join raw.ledger as ledger
    on ledger.entity_id = entities.entity_id and ledger.date <= last_day(report_months.month)
group by report_months.month, entities.entity_id
