-- The expense findings open in the report month ($month), all rules together: how many, how many
-- are new and the money at stake (the total row of the table by rule).
select
    count(*)::integer as findings,
    count(*) filter (where status = 'new')::integer as new_findings,
    coalesce(sum(amount), 0)::decimal(18, 2) as amount
from metrics.finding_status
where month = $month
    and source = 'expense'
    and status <> 'resolved'
