-- The report-input versions last observed on each Dagster instance (instance = its folder): the
-- next run records an observation only where a version changed.
create schema if not exists meta;

create table if not exists meta.report_input_versions (
    instance varchar,
    kind varchar,
    period varchar,
    version varchar
);
