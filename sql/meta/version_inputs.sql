-- The temp tables the report-input versions are computed from: the report months ($months),
-- what each report reads ($reads: {kind, table_name}), the entities a domain report is about
-- ($scopes: {kind, entity_id}; a kind with no entity has one row with entity NULL: it is scoped,
-- to nothing), and the hashes of the rows read, filled in table by table.
create or replace temp table report_months as
select unnest($months::date[]) as month;

create or replace temp table report_reads as
select unnest($reads::struct(kind varchar, table_name varchar)[], recursive := true);

create or replace temp table report_scope as
select unnest($scopes::struct(kind varchar, entity_id varchar)[], recursive := true);

create or replace temp table input_hashes (
    table_name varchar,
    month date,
    entity_id varchar,
    h varchar,
    kind varchar
);
