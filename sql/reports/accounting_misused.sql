-- Accounts used against their type in the report month ($month): money in on a cost account,
-- money out on a revenue account. The largest net first.
select
    misused.entity_id,
    entities.name,
    misused.account_code,
    misused.account_code || ' ' || misused.account_name as account,
    misused.account_type,
    misused.month_lines,
    misused.money_in,
    misused.money_out,
    misused.month_net
from metrics.chart_misused_accounts as misused
inner join config.entities as entities using (entity_id)
where misused.month = $month
order by abs(misused.month_net) desc, entities.name, misused.account_code
