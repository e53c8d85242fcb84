-- The rows of budget.csv that name something that does not exist, added to `cell_problems` (so
-- they are quarantined like any other bad row, and claim no key): an entity not in
-- reporting.yaml ($entity_ids), neither or both of metric and account_code, an account code not
-- in the chart (`chart_accounts`), or one that is not a profit-and-loss account ($account_types).
-- A cell that already broke its own contract is not judged again.
insert into cell_problems by name
with rows as (
    select source_file, line, part, entity, metric, account_code from stage
),

positions as (
    select column_name, position from contract_columns
),

problems as (
    select
        source_file,
        line,
        part,
        'entity' as column_name,
        entity as value,
        'unknown entity ' || entity || ': expected the id of an entity of reporting.yaml ('
            || array_to_string($entity_ids::varchar[], ', ') || ')' as reason
    from rows
    where entity is not null and not list_contains($entity_ids::varchar[], entity)

    union all

    select
        source_file,
        line,
        part,
        'metric',
        null,
        'missing value: give a metric or an account_code (a budget line is one of them)'
    from rows
    where metric is null and account_code is null

    union all

    select
        source_file,
        line,
        part,
        'account_code',
        account_code,
        'both a metric and an account_code: a budget line is one of them, not both'
    from rows
    where metric is not null and account_code is not null

    union all

    select
        rows.source_file,
        rows.line,
        rows.part,
        'account_code',
        rows.account_code,
        case
            when accounts.code is null
                then 'unknown account ' || rows.account_code
                    || ': expected an account code of chart_of_accounts.csv'
            else 'account ' || rows.account_code || ' (' || accounts.name || ') is of type '
                || accounts.type || ': expected a '
                || array_to_string($account_types::varchar[], ' or ') || ' account'
        end
    from rows
    left join chart_accounts as accounts on accounts.code = rows.account_code
    where rows.metric is null
        and rows.account_code is not null
        and (accounts.code is null or not list_contains($account_types::varchar[], accounts.type))
)

select problems.*, positions.position
from problems
inner join positions using (column_name)
anti join cell_problems using (source_file, line, part, column_name)
