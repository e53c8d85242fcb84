-- The report-input versions observed on the instance $instance ($versions: {kind, period,
-- version}), in place of the ones recorded before (run in one transaction by the caller).
delete from meta.report_input_versions where instance = $instance;

insert into meta.report_input_versions (instance, kind, period, version)
select $instance, v.kind, v.period, v.version
from (
    select unnest($versions::struct(kind varchar, period varchar, version varchar)[], recursive := true)
) as v;
