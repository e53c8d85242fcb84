-- Rows an importer could not make ledger rows of (the keys of REJECT_COLUMNS in
-- exec_reporting/importers/base.py) appended to the staging table `import_rejects`.
insert into import_rejects by name
select unnest($rows, recursive := true);
