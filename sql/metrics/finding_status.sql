-- metrics.finding_status: each finding's status in each report month, against the month before:
-- new (open now, not the month before), still open (both), resolved (open the month before, not
-- now, and not merely past its review window).
-- owner: ceo
-- grain: month, finding_id
with current_month as (
    select * from metrics.findings
),

-- last month's findings, moved onto the month after
previous_month as (
    select
        (month + interval 1 month)::date as month,
        month as previous_month,
        * exclude (month)
    from metrics.findings
),

compared as (
    select
        coalesce(current_month.month, previous_month.month) as month,
        coalesce(current_month.finding_id, previous_month.finding_id) as finding_id,
        coalesce(current_month.entity_id, previous_month.entity_id) as entity_id,
        coalesce(current_month.source, previous_month.source) as source,
        coalesce(current_month.rule, previous_month.rule) as rule,
        coalesce(current_month.severity, previous_month.severity) as severity,
        coalesce(current_month.title, previous_month.title) as title,
        coalesce(current_month.detail, previous_month.detail) as detail,
        coalesce(current_month.amount, previous_month.amount) as amount,
        case
            when previous_month.finding_id is null then 'new'
            when current_month.finding_id is null then 'resolved'
            else 'still open'
        end as status,
        previous_month.previous_month,
        previous_month.open_until as previous_open_until
    from current_month
    full outer join previous_month using (month, finding_id)
)

select
    compared.month,
    compared.entity_id,
    compared.finding_id,
    compared.source,
    compared.rule,
    compared.severity,
    compared.title,
    compared.detail,
    compared.amount,
    compared.status
from compared
-- only months of the entity's series, so nothing "resolves" after its data ends
inner join metrics.entity_months as months
    on months.entity_id = compared.entity_id and months.month = compared.month
-- a finding that reached the end of its review window expired: it is not resolved
where not (
    compared.status = 'resolved'
    and compared.previous_open_until is not null
    and compared.previous_month >= compared.previous_open_until
)
order by compared.month, compared.entity_id, compared.finding_id
