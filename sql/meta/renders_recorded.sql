-- Whether any report render was ever recorded in this warehouse (meta.report_renders exists).
select count(*) > 0 as recorded
from information_schema.tables
where table_schema = 'meta' and table_name = 'report_renders'
