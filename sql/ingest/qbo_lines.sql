-- The rows of one QuickBooks Online "Transaction Detail by Account" report (`file_rows`, each
-- column under its role's name: label, the first column, which names the sections; date, type,
-- num, name, memo, split, amount, balance) in `qbo_rows`, and each row's first cell and whether
-- it holds anything else in `report_lines`, for ingest/report_sections.sql to tell sections,
-- totals and transactions apart.
create or replace temp table qbo_rows (
    line bigint,
    label varchar,
    date varchar,
    type varchar,
    num varchar,
    name varchar,
    memo varchar,
    split varchar,
    amount varchar,
    balance varchar
);

insert into qbo_rows by name
select * from file_rows;

create or replace temp table report_lines as
select
    line,
    label,
    coalesce(date, type, num, name, memo, split, amount, balance) is not null as has_data
from qbo_rows;
