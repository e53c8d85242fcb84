-- The temp tables of one load (the staged rows themselves, `stage`, get one column per contract
-- column and are created by the loader).
create or replace temp table stage_rejects (
    source_file varchar,
    entity_id varchar,
    line bigint,
    csv_line varchar,
    error_message varchar
);

create or replace temp table load_files (
    source_file varchar,
    entity_id varchar,
    sha256 varchar,
    ignored_columns varchar[]
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
