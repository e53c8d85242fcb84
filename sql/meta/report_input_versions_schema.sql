-- The report-input versions last observed on each Dagster instance (instance = its folder): the
-- next run records an observation only where a version changed.
create schema if not exists meta;

create table if not exists meta.report_input_versions (
    instance varchar,
    kind varchar,
    period varchar,
    version varchar
);

-- The report months rendered on each Dagster instance, with the input version and the code
-- version each was made from: a month is stale when either has changed since.
create table if not exists meta.report_renders (
    instance varchar,
    kind varchar,
    period varchar,
    input_version varchar,
    code_version varchar,
    rendered_at timestamp
);
