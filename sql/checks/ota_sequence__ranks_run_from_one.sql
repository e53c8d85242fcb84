-- Each entity month's OTAs are ranked 1, 2, 3... without a gap or a tie: each row here is an
-- entity month whose ranks are not exactly 1 to the number of OTAs.
select
    entity_id,
    month,
    count(*) as ota_count,
    count(distinct ota_rank) as distinct_ranks,
    min(ota_rank) as first_rank,
    max(ota_rank) as last_rank
from metrics.ota_sequence
group by entity_id, month
having min(ota_rank) != 1
    or max(ota_rank) != count(*)
    or count(distinct ota_rank) != count(*)
order by entity_id, month
