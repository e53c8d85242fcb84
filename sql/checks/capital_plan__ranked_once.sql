-- Each candidate is ranked once per month, and funding never skips a rank.
select month, payback_rank, count(*) as rows
from metrics.capital_plan
group by all
having count(*) > 1
union all
select funded.month, funded.payback_rank, 1
from metrics.capital_plan as funded
inner join metrics.capital_plan as waiting
    on waiting.month = funded.month
    and waiting.payback_rank < funded.payback_rank
    and waiting.decision = 'wait'
where funded.decision = 'fund'
