-- metrics.kpi_gaps has exactly one row per configured KPI and month of the entity's series: each
-- row here is a KPI month that is missing, repeated or not configured. A runway on cash burn
-- (`cash_runway_months`) is metrics.kpi_status's only: kpi_gaps predates it.
with expected as (
    select distinct
        kpis.entity_id,
        kpis.metric as kpi,
        months.month
    from config.kpis as kpis
    inner join metrics.entity_months as months using (entity_id)
    where kpis.metric <> 'cash_runway_months'
),

actual as (
    select
        entity_id,
        kpi,
        month,
        count(*) as row_count
    from metrics.kpi_gaps
    group by entity_id, kpi, month
)

select
    coalesce(expected.entity_id, actual.entity_id) as entity_id,
    coalesce(expected.kpi, actual.kpi) as kpi,
    coalesce(expected.month, actual.month) as month,
    expected.kpi is not null as configured,
    coalesce(actual.row_count, 0) as row_count
from expected
full outer join actual using (entity_id, kpi, month)
where expected.kpi is null
    or coalesce(actual.row_count, 0) <> 1
order by entity_id, kpi, month
