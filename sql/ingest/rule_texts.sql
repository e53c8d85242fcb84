-- The distinct texts (description, counterparty) of the imported rows without an account code,
-- per entity: what the mapping rules are matched against, once per text rather than per row (a
-- bank's descriptions repeat). `rule_number` is filled rule by rule (ingest/apply_rule.sql).
create or replace temp table rule_texts as
select distinct
    entity_id,
    description,
    counterparty,
    null::integer as rule_number
from imported
where account_code is null
