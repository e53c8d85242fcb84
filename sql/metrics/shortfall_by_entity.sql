-- metrics.shortfall_by_entity: revenue and cash at month end against the targets set for them in
-- reporting.yaml, one row per entity and month of its series, with how much each falls short.
-- owner: ceo
-- grain: entity_id, month
-- series: every
--
-- On the cash basis for every entity (other tools read it): metrics.target_shortfalls' cash rows.
select
    entity_id,
    month,
    revenue,
    revenue_target,
    revenue_shortfall,
    cash_end,
    cash_target,
    cash_shortfall
from metrics.target_shortfalls
where basis = 'cash'
order by entity_id, month
