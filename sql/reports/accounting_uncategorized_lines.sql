-- The imported ledger lines no account mapping rule matched, dated up to the end of the report
-- month ($month): the $limit largest (money in or out alike), the newest first among equals, each
-- with its file and line and how many such lines there are in all (`lines`).
select
    lines.entity_id,
    entities.name,
    lines.txn_id,
    lines.date,
    lines.amount,
    lines.description,
    lines.counterparty,
    lines.source_file,
    lines.line,
    lines.rules_file,
    count(*) over () as lines
from metrics.uncategorized_lines as lines
inner join config.entities as entities using (entity_id)
where lines.month <= $month
order by abs(lines.amount) desc, lines.date desc, entities.name, lines.source_file, lines.line
limit $limit
