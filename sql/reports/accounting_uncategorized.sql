-- Imported ledger lines no account mapping rule matched (metrics.uncategorized_lines), dated up to
-- the end of the report month ($month), per entity: the rules file to add rules to, the lines of
-- the month and to date, and their money in and out. The most money first.
select
    lines.entity_id,
    entities.name,
    lines.rules_file,
    count(*) filter (where lines.month = $month) as uncategorized_month_lines,
    count(*) as uncategorized_lines,
    coalesce(sum(lines.amount) filter (where lines.amount > 0), 0)::decimal(18, 2)
        as uncategorized_in,
    coalesce(-sum(lines.amount) filter (where lines.amount < 0), 0)::decimal(18, 2)
        as uncategorized_out
from metrics.uncategorized_lines as lines
inner join config.entities as entities using (entity_id)
where lines.month <= $month
group by lines.entity_id, entities.name, lines.rules_file
order by sum(abs(lines.amount)) desc, entities.name, lines.rules_file
