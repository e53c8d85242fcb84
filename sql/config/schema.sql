-- The parts of reporting.yaml that SQL needs, as tables: written by every run from the file.
create schema if not exists config;

create or replace table config.entities (
    entity_id varchar primary key,
    name varchar not null,
    kind varchar not null,
    opening_cash decimal(18, 2) not null
);

create or replace table config.kpis (
    entity_id varchar not null,
    metric varchar not null,
    target decimal(18, 4) not null,
    better varchar not null
);
