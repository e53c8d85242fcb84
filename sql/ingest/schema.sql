-- The warehouse's bookkeeping tables for ingest. raw.<table> relations are built from
-- sql/raw/<table>.sql by each load.
create schema if not exists raw;
create schema if not exists quarantine;
create schema if not exists ingest;

-- Rows read that could not be used, with where they were and why: nothing is dropped silently.
create table if not exists quarantine.rows (
    table_name varchar not null,
    entity_id varchar,
    source_file varchar not null,
    line bigint not null,
    column_name varchar,
    value varchar,
    reason varchar not null,
    record varchar,
    quarantined_at timestamp default current_timestamp
);

-- One row per file of the latest load of each table: rows read = loaded + quarantined.
create table if not exists ingest.file_loads (
    table_name varchar not null,
    entity_id varchar,
    source_file varchar not null,
    sha256 varchar not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    loaded_at timestamp default current_timestamp
);
-- Header columns the contract does not name, which the load ignored.
alter table ingest.file_loads add column if not exists ignored_columns varchar[];
