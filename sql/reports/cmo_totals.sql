-- The CMO's channel totals for one report month ($month, a DATE on the 1st): one row per entity
-- with channels.csv rows that month, then one portfolio row (is_portfolio). Cost per booking
-- and return on spend count paid channels only (spend above zero): free channels such as
-- direct or website would otherwise flatter both. Each entity's row also carries its revenue on
-- its basis (metrics.revenue): channels.csv's revenue is what the channels report selling, not
-- what the business counts as revenue. The portfolio row leaves it empty: the bases may differ.
with month_rows as (
    select *
    from metrics.channel_matrix
    where month = $month
),

totals as (
    select
        entity_id,
        grouping(entity_id) = 1 as is_portfolio,
        count(*) as channels,
        count(*) filter (where listed) as listed_channels,
        count(*) filter (where not listed) as unlisted_channels,
        sum(spend) as spend,
        sum(leads) as leads,
        sum(bookings) as bookings,
        sum(channel_revenue) as channel_revenue,
        coalesce(sum(spend) filter (where spend > 0), 0) as paid_spend,
        coalesce(sum(bookings) filter (where spend > 0), 0) as paid_bookings,
        coalesce(sum(channel_revenue) filter (where spend > 0), 0) as paid_revenue
    from month_rows
    group by grouping sets ((entity_id), ())
)

select
    totals.*,
    revenue.basis,
    revenue.revenue,
    -- as in metrics.channel_matrix: whole cents, rounded half away from zero
    case
        when paid_bookings > 0
            then (sign(paid_spend)
                * ((abs(paid_spend * 100)::hugeint * 2 + paid_bookings) // (paid_bookings * 2))
                * 0.01)::decimal(18, 2)
    end as cost_per_booking,
    case
        when paid_spend > 0 then ((paid_revenue - paid_spend) / paid_spend)::double
    end as return_on_spend
from totals
left join metrics.revenue as revenue
    on revenue.entity_id = totals.entity_id and revenue.month = $month
order by totals.is_portfolio, totals.channel_revenue desc, totals.entity_id
