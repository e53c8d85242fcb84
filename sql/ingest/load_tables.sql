-- The temp tables of one load (the staged rows themselves, `stage`, get one column per contract
-- column and are created by the loader). Rows are identified by (source_file, line, part):
-- `part` tells apart the rows an importer makes of one line of its file (a payment and its fee,
-- say; 0 for the first or only one).
create or replace temp table stage_rejects (
    source_file varchar,
    entity_id varchar,
    line bigint,
    csv_line varchar,
    error_message varchar
);

-- One row per file read: its source's format, and for imported sources the scope within which a
-- repeated txn_id is the same movement imported again (ingest/duplicate_keys.sql) and how far
-- the file's data reaches (NULL: the file does not say).
create or replace temp table load_files (
    source_file varchar,
    entity_id varchar,
    sha256 varchar,
    ignored_columns varchar[],
    source_format varchar,
    dedupe_scope varchar,
    covers_through date
);

-- Each file's modification time when the load read it, in the configured time zone.
create or replace temp table file_times (
    source_file varchar,
    modified_at timestamp
);

-- The contract of the table being loaded (exec_reporting.contract), as rows.
create or replace temp table contract_columns (
    column_name varchar,
    position integer,
    type varchar,
    required boolean,
    choices varchar[],
    required_when_column varchar,
    required_when_values varchar[],
    expected varchar,
    key_position integer,
    -- a number column's largest absolute value (exec_reporting.contract.LIMITS), in words too
    max_abs decimal(18, 6),
    limit_expected varchar,
    -- a date or month column's window (exec_reporting.contract.DateWindow)
    earliest varchar,
    latest varchar
);

-- Ledger rows made by an importer (exec_reporting.importers) from a file that is not in the
-- canonical format, as text in the contract's own writing (ISO dates, amounts such as -12.50).
-- An empty account_code is filled by the entity's mapping rules (ingest/categorize.sql).
create or replace temp table imported (
    source_file varchar,
    entity_id varchar,
    line bigint,
    part integer,
    txn_id varchar,
    date varchar,
    account_code varchar,
    amount varchar,
    description varchar,
    counterparty varchar
);

-- Rows an importer read but could not turn into ledger rows, with the column as the export
-- names it and why: quarantined like any other row.
create or replace temp table import_rejects (
    source_file varchar,
    entity_id varchar,
    line bigint,
    part integer,
    column_name varchar,
    value varchar,
    reason varchar,
    record varchar
);

-- The account mapping rules of the entities loaded (exec_reporting.account_rules), in order.
create or replace temp table mapping_rules (
    entity_id varchar,
    rules_file varchar,
    rule_number integer,
    field varchar,
    pattern varchar,
    account_code varchar,
    counterparty varchar
);

-- The rules file of each entity loaded (relative to data_dir), whether it exists or not: where a
-- rule for an uncategorized line goes.
create or replace temp table rules_files (
    entity_id varchar,
    rules_file varchar
);

-- How each imported row got its account: the rule that matched (NULL: none did).
create or replace temp table load_categories (
    source_file varchar,
    entity_id varchar,
    line bigint,
    part integer,
    txn_id varchar,
    rule_number integer,
    rules_file varchar
);

-- The balances bank statements state (an OFX statement's LEDGERBAL), one row per statement.
create or replace temp table load_statements (
    source_file varchar,
    entity_id varchar,
    line bigint,
    account_id varchar,
    currency varchar,
    starts_on date,
    ends_on date,
    balance decimal(18, 2),
    balance_on date
);

-- The chart's accounts as loaded (raw.chart_of_accounts), for the loads that check a code
-- against it (budget.csv's account_code); empty until the chart has loaded.
create or replace temp table chart_accounts (
    code varchar,
    name varchar,
    type varchar
);
