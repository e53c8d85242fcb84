-- One portfolio reserve per month, never negative deployable cash.
select month, count(*) as rows, min(deployable_cash) as deployable_cash
from metrics.cash_reserve
group by month
having count(*) > 1 or min(deployable_cash) < 0
