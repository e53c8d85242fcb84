-- The clients of one entity ($entity_id) at the end of the report month ($month): billing, hours
-- and rate over 12 months and what each owes; the largest accounts first.
select *
from metrics.client_accounts
where entity_id = $entity_id and month = $month
order by billed_12m desc, open_balance desc, client
