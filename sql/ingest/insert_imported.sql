-- Ledger rows an importer made in Python (one struct per row, the keys of IMPORTED_COLUMNS in
-- exec_reporting/importers/base.py, values as text) appended to the staging table `imported`.
insert into imported by name
select unnest($rows, recursive := true);
