-- The rows of one Xero "Account Transactions" report (`file_rows`, each column under its role's
-- name: date, the first column, which also names the sections; source, contact, description,
-- reference, debit, credit, gross, balance) in `xero_rows`, and each row's first cell and
-- whether it holds anything else in `report_lines`, for ingest/report_sections.sql to tell
-- sections, totals and transactions apart.
create or replace temp table xero_rows (
    line bigint,
    date varchar,
    source varchar,
    contact varchar,
    description varchar,
    reference varchar,
    debit varchar,
    credit varchar,
    gross varchar,
    balance varchar
);

insert into xero_rows by name
select * from file_rows;

create or replace temp table report_lines as
select
    line,
    date as label,
    coalesce(source, contact, description, reference, debit, credit, gross, balance) is not null
        as has_data
from xero_rows;
