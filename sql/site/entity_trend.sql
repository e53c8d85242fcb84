-- One entity's trend, one row per month of its series up to the archive's latest report month
-- ($through): revenue on its basis (metrics.revenue), operating and cash burn with their 3-month
-- averages, cash at month end and the runway each burn leaves (metrics.burn, metrics.cash_burn).
-- The archive's trend page draws and tabulates these figures as they are.
select
    burn.month,
    revenue.basis,
    revenue.revenue,
    burn.net_burn as operating_burn,
    burn.net_burn_avg_3m as operating_burn_avg_3m,
    cash.cash_burn,
    cash.cash_burn_avg_3m,
    burn.cash_end,
    burn.runway_months,
    cash.cash_runway_months
from metrics.burn as burn
left join metrics.revenue as revenue using (entity_id, month)
left join metrics.cash_burn as cash using (entity_id, month)
where burn.entity_id = $entity_id
    and burn.month <= $through
order by burn.month
