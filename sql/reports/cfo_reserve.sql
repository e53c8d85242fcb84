-- The portfolio's cash, reserve and deployable cash for the report month ($month).
select cash, gross_burn_avg_3m, reserve_months, reserve, deployable_cash
from metrics.cash_reserve
where month = $month
