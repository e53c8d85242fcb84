-- Give each imported row without an account code (`imported`) the account of the first mapping
-- rule of its entity (`mapping_rules`, in rule order) whose pattern matches its description or
-- counterparty, case-insensitively and anywhere in the text, and the rule's counterparty when it
-- sets one; a row no rule matches gets the uncategorized account ($uncategorized,
-- accounting.uncategorized_account). The rows go to `stage` like a canonical file's, and how each
-- got its account to `load_categories`. Patterns are matched once per distinct text, not per row:
-- a bank's descriptions repeat.
create or replace temp table categorized as
with texts as (
    select distinct entity_id, description, counterparty
    from imported
    where account_code is null
),

matches as (
    select
        texts.entity_id,
        texts.description,
        texts.counterparty,
        min(rules.rule_number) as rule_number
    from texts
    inner join mapping_rules as rules
        on rules.entity_id = texts.entity_id
        and (
            (
                rules.field in ('description', 'any')
                and regexp_matches(coalesce(texts.description, ''), rules.pattern, 'i')
            )
            or (
                rules.field in ('counterparty', 'any')
                and regexp_matches(coalesce(texts.counterparty, ''), rules.pattern, 'i')
            )
        )
    group by texts.entity_id, texts.description, texts.counterparty
)

select
    imported.*,
    imported.account_code is null as by_rules,
    matches.rule_number,
    rules.account_code as rule_account_code,
    rules.counterparty as rule_counterparty,
    files.rules_file
from imported
left join matches
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
