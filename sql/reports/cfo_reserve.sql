-- The portfolio's cash, reserve and deployable cash for the report month ($month), with the basis
-- of the reserve in words: the months its 3-month average gross burn covers (average_from to the
-- report month; fewer at the start of the series), and the report month's own gross burn (the
-- burn table's total), which the average is not.
with months as (
    select
        min(month) as average_from,
        sum(gross_burn) filter (where month = $month) as month_gross_burn
    from metrics.burn
    where month between $month - interval 2 month and $month
)

select
    reserve.cash,
    reserve.gross_burn_avg_3m,
    reserve.reserve_months,
    reserve.reserve,
    reserve.deployable_cash,
    months.average_from,
    months.month_gross_burn::decimal(18, 2) as month_gross_burn
from metrics.cash_reserve as reserve
cross join months
where reserve.month = $month
