-- Every finding has an id, a known source, severity and a title, once per month.
select month, finding_id, source, severity, title
from metrics.findings
where finding_id is null
    or source not in ('expense', 'stack', 'revenue_recognition', 'chart', 'invoice')
    or severity not in ('critical', 'high', 'medium', 'low')
    or title is null
    or (month, finding_id) in (
        select (month, finding_id) from metrics.findings group by all having count(*) > 1
    )
