-- No txn_id is used for two different lines of an entity.
-- Ingest loads the first line with a txn_id and quarantines every later one as a duplicate key.
-- A row here is such a later line whose date, account, amount, description or counterparty
-- differs from the loaded line's (`differs_in`): a real conflict, one of the two is missing from
-- the books. An exact repeat of the loaded line (a double export) does not fail the check
-- (fails = false): it stays quarantined and is counted in the metadata as tolerated.
with repeats as (
    select
        entity_id,
        source_file,
        line,
        json_extract_string(record, '$.txn_id') as txn_id,
        json_extract_string(record, '$.date') as date,
        json_extract_string(record, '$.account_code') as account_code,
        json_extract_string(record, '$.amount') as amount,
        json_extract_string(record, '$.description') as description,
        json_extract_string(record, '$.counterparty') as counterparty
    from quarantine.rows
    where table_name = 'ledger' and starts_with(reason, 'duplicate key:')
),

-- a duplicate key is only found among rows whose every cell met the contract: the casts hold
compared as (
    select
        repeats.entity_id,
        repeats.txn_id,
        repeats.source_file,
        loaded.line as loaded_line,
        repeats.line as quarantined_line,
        concat_ws(
            ', ',
            case when loaded.date is distinct from try_cast(repeats.date as date) then 'date' end,
            case when loaded.account_code is distinct from repeats.account_code then 'account_code' end,
            case
                when loaded.amount is distinct from try_cast(repeats.amount as decimal(18, 2))
                    then 'amount'
            end,
            case when loaded.description is distinct from repeats.description then 'description' end,
            case
                when loaded.counterparty is distinct from repeats.counterparty then 'counterparty'
            end
        ) as differs_in,
        loaded.line is null as loaded_line_missing,
        loaded.date::varchar || ' ' || loaded.account_code || ' ' || loaded.amount::varchar
            || ' ' || coalesce(loaded.description, '') || ' / ' || coalesce(loaded.counterparty, '')
            as loaded_values,
        repeats.date || ' ' || repeats.account_code || ' ' || repeats.amount
            || ' ' || coalesce(repeats.description, '') || ' / ' || coalesce(repeats.counterparty, '')
            as quarantined_values
    from repeats
    left join raw.ledger as loaded
        on repeats.entity_id = loaded.entity_id and repeats.txn_id = loaded.txn_id
)

select
    entity_id,
    txn_id,
    source_file,
    loaded_line,
    quarantined_line,
    case when loaded_line_missing then 'no loaded line' else differs_in end as differs_in,
    loaded_values,
    quarantined_values,
    loaded_line_missing or differs_in <> '' as fails
from compared
order by entity_id, txn_id, quarantined_line
