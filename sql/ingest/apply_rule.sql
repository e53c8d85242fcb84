-- One mapping rule of entity $entity_id (number $rule_number): the texts no earlier rule matched
-- and whose description or counterparty (as $field says: description, counterparty or any)
-- matches $pattern, case-insensitively and anywhere in the text, are this rule's. The rules run
-- in order, so the first rule that matches wins. One statement per rule keeps each pattern a
-- constant that DuckDB compiles once (a join of texts and patterns compiled one per pair: 30
-- times slower).
update rule_texts
set rule_number = $rule_number
where rule_number is null
    and entity_id = $entity_id
    and (
        (
            $field in ('description', 'any')
            and regexp_matches(coalesce(description, ''), $pattern, 'i')
        )
        or (
            $field in ('counterparty', 'any')
            and regexp_matches(coalesce(counterparty, ''), $pattern, 'i')
        )
    )
