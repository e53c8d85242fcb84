-- Months before the report month ($month) whose pack is still held back, and why: how far each
-- missing entity's data reached, and the file that said so.
select period, entity_id, name, covers_through, source_file
from delivery.held_periods
where period < strftime($month, '%Y-%m')
order by period, name
