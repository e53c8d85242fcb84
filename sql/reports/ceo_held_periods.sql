-- Months before the report month ($month) whose pack is still held back, and why: which
-- entity's data stops where.
select period, entity_id, name, last_ledger_date
from delivery.held_periods
where period < strftime($month, '%Y-%m')
order by period, name
