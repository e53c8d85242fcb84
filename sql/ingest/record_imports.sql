-- Record what one load kept beside its rows: the duplicates it did not load
-- (`load_duplicates`), how each imported ledger line got its account (`load_categories`), and
-- the balances its statements state (`load_statements`).
insert into ingest.duplicate_rows by name
select * exclude (part) from load_duplicates;

insert into ingest.ledger_categories by name
select
    categories.entity_id,
    categories.source_file,
    categories.line,
    categories.txn_id,
    files.source_format,
    categories.rule_number,
    categories.rules_file
from load_categories as categories
inner join load_files as files using (source_file)
where $t = 'ledger';

insert into ingest.statement_balances by name
select * from load_statements
where $t = 'ledger';
