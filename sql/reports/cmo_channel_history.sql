-- The portfolio's channel revenue and spend per month over the twelve months up to the report
-- month ($month), from every entity's channels.csv.
select
    month,
    sum(channel_revenue) as channel_revenue,
    sum(spend) as spend,
    sum(bookings) as bookings
from metrics.channel_matrix
where month > $month - interval 12 month and month <= $month
group by month
order by month
