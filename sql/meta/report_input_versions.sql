-- The data version of each report kind's inputs for each report month: a hash of the rows of
-- every table the report reads (report_reads) for the twelve months up to the report month
-- (the longest history a report shows), of its month-less tables whole, and of the notes on
-- the data. A domain report (report_scope) takes only its own entities' rows, and a row meant
-- for one report (its settings: `kind`) goes to that report only. A correction changes exactly
-- the versions of the report months it reaches.
select
    reads.kind,
    report_months.month,
    md5(string_agg(
        hashes.table_name || '@' || coalesce(hashes.month::varchar, '*') || '@'
            || coalesce(hashes.entity_id, '*') || '=' || hashes.h,
        '|' order by hashes.table_name, hashes.month, hashes.entity_id
    )) as version
from report_months
cross join report_reads as reads
inner join input_hashes as hashes
    on hashes.table_name = reads.table_name
    and (hashes.kind is null or hashes.kind = reads.kind)
    and (
        hashes.month is null
        or hashes.month between report_months.month - interval 11 month and report_months.month
    )
-- a scoped kind (a domain report, even one with no entity of its kind) takes only the rows of
-- its own entities; the others take every entity's
where hashes.entity_id is null
    or reads.kind not in (select kind from report_scope)
    or hashes.entity_id in (
        select entity_id from report_scope as own where own.kind = reads.kind
    )
group by reads.kind, report_months.month
