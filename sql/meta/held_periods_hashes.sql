-- What each report month (report_months) says about earlier packs still held back
-- (delivery.held_periods, listed by the CEO report): the held months before it, their entities
-- and how far their data reached, without the time they were noted.
select
    'delivery.held_periods' as table_name,
    report_months.month,
    null::varchar as entity_id,
    md5(coalesce(string_agg(
        held.period || '|' || held.entity_id || '|' || coalesce(held.covers_through::varchar, '-')
        || '|' || coalesce(held.source_file, '-'),
        chr(10) order by held.period, held.entity_id
    ), '')) as h
from report_months
left join delivery.held_periods as held
    on held.period < strftime(report_months.month, '%Y-%m')
group by report_months.month
