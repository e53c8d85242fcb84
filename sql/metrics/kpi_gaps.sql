-- metrics.kpi_gaps: each configured KPI against its actual value, one row per KPI and month of
-- the entity's series, with the signed gap (positive is good) and whether the target was met.
-- owner: ceo
--
-- The cash basis for every entity (other tools read it): metrics.kpi_results' cash rows. A runway
-- on cash burn (`cash_runway_months`) is metrics.kpi_status's only: this relation predates it.
select
    entity_id,
    month,
    kpi,
    actual,
    target,
    better,
    gap,
    met
from metrics.kpi_results
where basis = 'cash'
    and kpi <> 'cash_runway_months'
order by entity_id, kpi, month
