-- One rental entity's month ($entity_id, $month): occupancy, rent, net operating income and debt
-- service from metrics.rental_monthly, with its cash at month end and the cash target set in
-- reporting.yaml (if any).
select
    rental.*,
    burn.cash_end,
    kpis.target as cash_end_target
from metrics.rental_monthly as rental
inner join metrics.burn as burn using (entity_id, month)
left join config.kpis as kpis
    on kpis.entity_id = rental.entity_id and kpis.metric = 'cash_end' and kpis.better = 'higher'
where rental.entity_id = $entity_id and rental.month = $month
