-- Give each imported row without an account code (`imported`) the account of the first mapping
-- rule of its entity that matches its description or counterparty (`rule_texts`, matched rule by
-- rule in ingest/apply_rule.sql; the rules themselves in `mapping_rules`), and the rule's
-- counterparty when it sets one; a row no rule matches gets the uncategorized account
-- ($uncategorized, accounting.uncategorized_account). The rows go to `stage` like a canonical
-- file's, and how each got its account to `load_categories`.
create or replace temp table categorized as
select
    imported.*,
    imported.account_code is null as by_rules,
    matches.rule_number,
    rules.account_code as rule_account_code,
    rules.counterparty as rule_counterparty,
    files.rules_file
from imported
left join rule_texts as matches
    on imported.account_code is null
    and matches.entity_id = imported.entity_id
    and matches.description is not distinct from imported.description
    and matches.counterparty is not distinct from imported.counterparty
left join mapping_rules as rules
    on rules.entity_id = imported.entity_id
    and rules.rule_number = matches.rule_number
left join rules_files as files on files.entity_id = imported.entity_id;

insert into stage by name
select
    source_file,
    entity_id,
    line,
    part,
    txn_id,
    date,
    coalesce(account_code, rule_account_code, $uncategorized) as account_code,
    amount,
    description,
    coalesce(rule_counterparty, counterparty) as counterparty
from categorized;

insert into load_categories by name
select source_file, entity_id, line, part, txn_id, rule_number, rules_file
from categorized
where by_rules;
