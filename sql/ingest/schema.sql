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
-- The source's format (canonical, ofx, bank_csv, ...); how far the file's data reaches, when the
-- file says (an OFX statement's end date); rows that repeat a row already imported from the same
-- source (rows read = loaded + quarantined + duplicate).
alter table ingest.file_loads add column if not exists source_format varchar;
alter table ingest.file_loads add column if not exists covers_through date;
alter table ingest.file_loads add column if not exists rows_duplicate bigint default 0;
-- How a ledger or balances file's covers_through was found (docs/decisions.md #32): `stated` (the
-- file says: an OFX statement's end), `latest_row` (its latest dated row), `modified` (no dated
-- row: the day before the file was written). When its bytes were first seen, and the file's
-- modification time then, in the configured time zone (ingest.file_sightings).
alter table ingest.file_loads add column if not exists covers_basis varchar;
alter table ingest.file_loads add column if not exists first_seen_at timestamp;
alter table ingest.file_loads add column if not exists modified_at timestamp;

-- The first sight of each file's bytes, per table and entity: when a load first read them and
-- the file's modification time then (never later than that sight). Kept across loads, so that a
-- copy of the same bytes (a fresh modification time) or a file put back as it was does not move
-- either forward; a changed file is new bytes, seen anew.
create table if not exists ingest.file_sightings (
    table_name varchar not null,
    entity_id varchar,
    sha256 varchar not null,
    source_file varchar not null,
    first_seen_at timestamp not null,
    modified_at timestamp not null
);

-- Rows not loaded because they repeat a row already imported from the same source (an
-- overlapping statement), with the row they repeat: nothing is dropped without a trace.
create table if not exists ingest.duplicate_rows (
    table_name varchar not null,
    entity_id varchar,
    source_file varchar not null,
    line bigint not null,
    key_value varchar,
    first_file varchar,
    first_line bigint,
    record varchar
);

-- How each imported ledger line got its account code: the mapping rule that matched (rule_number
-- NULL: none did, the line has the uncategorized account) and the rules file to edit.
create table if not exists ingest.ledger_categories (
    entity_id varchar not null,
    source_file varchar not null,
    line bigint not null,
    txn_id varchar,
    source_format varchar,
    rule_number integer,
    rules_file varchar
);

-- The balances bank statements state (an OFX statement's LEDGERBAL), one row per statement and
-- account: what the ledger's cash can be compared with.
create table if not exists ingest.statement_balances (
    entity_id varchar not null,
    source_file varchar not null,
    line bigint,
    account_id varchar,
    currency varchar,
    starts_on date,
    ends_on date,
    balance decimal(18, 2),
    balance_on date
);
