-- The expense findings open in the report month ($month) by rule: how many, how many are new and
-- the money at stake, for every rule (0 when none). The most money first. Codes missing from the
-- chart are the chart of accounts section's findings, not the expense audit's.
with rules (rule, rule_label, position) as (
    values
        ('duplicate', 'Possible duplicates', 1),
        ('outlier', 'Unusual spending', 2),
        ('round_amount', 'One-off round amounts', 3),
        ('weekend', 'Weekend spending', 4)
),

open_findings as (
    select rule, amount, status
    from metrics.finding_status
    where month = $month
        and source = 'expense'
        and status <> 'resolved'
)

select
    rules.rule,
    rules.rule_label,
    count(open_findings.rule)::integer as findings,
    count(open_findings.rule) filter (where open_findings.status = 'new')::integer as new_findings,
    coalesce(sum(open_findings.amount), 0)::decimal(18, 2) as amount
from rules
left join open_findings using (rule)
group by rules.rule, rules.rule_label, rules.position
order by amount desc, rules.position
