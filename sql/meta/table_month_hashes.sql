-- A fingerprint of a monthly table's rows ($table_name), month by month: what the month-scoped
-- data version of a report is made of.
select
    $table_name as table_name,
    month::date as month,
    null::varchar as entity_id,
    count(*) || '-' || sum(hash(t)) as h
from query_table($table_name) as t
group by month
