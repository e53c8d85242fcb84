-- Before a load: drop the duplicate rows, line categories and statement balances it replaces (of
-- the table $t; of the entities $entities only, when given). Categories and statements belong to
-- the ledger.
delete from ingest.duplicate_rows
where table_name = $t
    and ($entities is null or entity_id in (select unnest($entities::varchar[])));

delete from ingest.ledger_categories
where $t = 'ledger'
    and ($entities is null or entity_id in (select unnest($entities::varchar[])));

delete from ingest.statement_balances
where $t = 'ledger'
    and ($entities is null or entity_id in (select unnest($entities::varchar[])));
