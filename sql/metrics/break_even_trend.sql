-- metrics.break_even_trend: each entity's gap to break-even revenue, its trend over the six
-- months up to the month, and the month break-even is reached if that trend holds.
-- owner: cfo
-- grain: entity_id, month
with indexed as (
    select
        entity_id,
        month,
        break_even_revenue,
        revenue_gap,
        year(month) * 12 + month(month) as month_number
    from metrics.break_even
),

trend as (
    -- least squares slope of the gap over this month and the five before it (months without a
    -- break-even point are left out); three points at least make a trend
    select
        *,
        -- one point gives no slope (NaN): keep it empty
        nullif(regr_slope(revenue_gap, month_number) over last_six, 'NaN'::double) as gap_slope,
        count(revenue_gap) over last_six as trend_points
    from indexed
    window last_six as (
        partition by entity_id order by month rows between 5 preceding and current row
    )
),

-- months the trend needs to close the gap, in floating point: a slope of a cent a month on a
-- large gap needs millions of years, which no date (nor INTEGER) holds
needed as (
    select
        *,
        case when gap_slope < 0 then ceil(revenue_gap / -gap_slope) end as months_needed
    from trend
),

-- a trend that needs more than a century is no projection anyone plans with
classified as (
    select
        *,
        case
            when break_even_revenue is null then 'no break-even point'
            when revenue_gap <= 0 then 'reached'
            when trend_points >= 3 and gap_slope < 0 and months_needed <= 1200 then 'projected'
            else 'not on current trend'
        end as break_even_status
    from needed
)

select
    entity_id,
    month,
    revenue_gap,
    round(gap_slope, 2)::decimal(18, 2) as gap_trend_per_month,
    break_even_status,
    case when break_even_status = 'projected'
        then months_needed::integer
    end as months_to_break_even,
    case when break_even_status = 'projected'
        then (month + to_months(months_needed::integer))::date
    end as projected_break_even_month
from classified
order by entity_id, month
