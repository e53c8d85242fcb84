-- Account codes missing from the chart of accounts as of the report month ($month), per entity:
-- the month's lines and the lines to date. The largest net to date first.
select
    unmapped.entity_id,
    entities.name,
    unmapped.account_code,
    unmapped.month_lines,
    unmapped.month_net,
    unmapped.lines_to_date,
    unmapped.net_to_date,
    unmapped.first_used_on,
    unmapped.in_quarantine
from metrics.chart_unmapped_accounts as unmapped
inner join config.entities as entities using (entity_id)
where unmapped.month = $month
order by abs(unmapped.net_to_date) desc, entities.name, unmapped.account_code
