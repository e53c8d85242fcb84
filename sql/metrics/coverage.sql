-- metrics.coverage: how far each entity's data reaches: the latest date any of its files covers
-- through (a ledger source's file or its balances.csv), and the file that says so. An entity
-- covers a month when covers_through is on or after the month's last day; its pack waits until
-- then (docs/operations.md, period close).
-- owner: ceo
-- grain: entity_id
--
-- A file's covers_through is decided at ingest (ingest.file_loads, docs/decisions.md #32): the
-- date the file states (an OFX statement's end), else its latest dated row (a ledger line, a
-- bank balance), else the day before its bytes were first written. The entity's last ledger
-- line and last bank balance are kept beside it: a quiet entity covers further than its lines.
with file_coverage as (
    select
        entity_id,
        source_file,
        coalesce(source_format, 'canonical') as source_format,
        table_name,
        covers_through,
        covers_basis
    from ingest.file_loads
    where table_name in ('ledger', 'balances')
        and entity_id is not null
        and covers_through is not null
),

-- the file that reaches furthest; on a tie, a statement's own word before a row's, then by name
furthest as (
    select *
    from file_coverage
    qualify row_number() over (
        partition by entity_id
        order by
            covers_through desc,
            case covers_basis when 'stated' then 0 when 'latest_row' then 1 else 2 end,
            source_file
    ) = 1
),

last_lines as (
    select entity_id, max(date) as last_ledger_date from raw.ledger group by entity_id
),

last_balances as (
    select entity_id, max(date) as last_balance_date from raw.balances group by entity_id
)

select
    -- the entity
    entities.entity_id,
    -- how far its data reaches, and which file says so
    furthest.covers_through,
    furthest.source_file,
    furthest.source_format,
    furthest.table_name as source_table,
    furthest.covers_basis,
    -- beside it: the last ledger line and the last bank balance
    last_lines.last_ledger_date,
    last_balances.last_balance_date
from config.entities as entities
left join furthest using (entity_id)
left join last_lines using (entity_id)
left join last_balances using (entity_id)
order by entities.entity_id
