-- The report-input versions last observed on the instance $instance.
select kind, period, version
from meta.report_input_versions
where instance = $instance
