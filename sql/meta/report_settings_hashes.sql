-- Each report's own settings (config.report_settings): a report's inputs take its row only.
select
    'config.report_settings' as table_name,
    null::date as month,
    null::varchar as entity_id,
    report as kind,
    version as h
from config.report_settings
