-- A report month ($kind, $period) was rendered on the instance $instance from its current
-- inputs (the version last observed for it) with the code $code_version.
delete from meta.report_renders
where instance = $instance and kind = $kind and period = $period;

insert into meta.report_renders
select
    $instance,
    $kind,
    $period,
    (
        select version
        from meta.report_input_versions
        where instance = $instance and kind = $kind and period = $period
    ),
    $code_version,
    current_timestamp;
