-- Every KPI of one entity against its target, one row per KPI and month up to the archive's
-- latest report month ($through), as metrics.kpi_status judged it (revenue on the entity's
-- basis), with how many of those months met the target.
select
    kpi,
    month,
    basis,
    actual,
    target,
    better,
    gap,
    met,
    count(*) filter (where met) over (partition by kpi) as months_met,
    count(*) over (partition by kpi) as months_judged
from metrics.kpi_status
where entity_id = $entity_id
    and month <= $through
order by kpi, month
