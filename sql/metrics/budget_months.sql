-- metrics.budget_months: the budget of each entity, line and month: a month's line of
-- budget.csv as written, and an annual target spread over the rest of its year by the shape of
-- the same months last year (evenly without a full year of history).
-- owner: cfo
-- grain: entity_id, line_kind, budget_line, month
--
-- How an annual target (a budget.csv row whose month is a year) is spread (docs/decisions.md
-- #35): the months of the year that have a line of their own keep it, and what remains of the
-- target goes to the other months in proportion to the line's actual in the same month last
-- year. That needs all twelve months of last year in the entity's series, none of them negative
-- and some of them above zero; otherwise each month gets an equal share. The shares are rounded
-- to the cent on the running total, so the months add up to the target exactly. When the
-- months' own lines already exceed the target, the other months get nothing.
with lines as (
    select
        entity_id,
        year,
        month,
        case when metric is not null then 'metric' else 'account' end as line_kind,
        coalesce(metric, account_code) as budget_line,
        amount
    from raw.budget
),

monthly as (
    select * from lines where month is not null
),

annual as (
    select * exclude (month) from lines where month is null
),

year_months as (
    select
        annual.entity_id,
        annual.line_kind,
        annual.budget_line,
        annual.year,
        annual.amount as annual_target,
        unnest(generate_series(make_date(annual.year, 1, 1), make_date(annual.year, 12, 1), interval 1 month))::date
            as month
    from annual
),

-- what the months with a line of their own already take of the target
remainders as (
    select
        annual.entity_id,
        annual.line_kind,
        annual.budget_line,
        annual.year,
        greatest(annual.amount - coalesce(sum(monthly.amount), 0), 0)::decimal(18, 2) as to_spread
    from annual
    left join monthly using (entity_id, line_kind, budget_line, year)
    group by annual.entity_id, annual.line_kind, annual.budget_line, annual.year, annual.amount
),

open_months as (
    select
        year_months.*,
        last_year.month_actual as last_year_actual
    from year_months
    anti join monthly using (entity_id, line_kind, budget_line, month)
    left join metrics.budget_actuals as last_year
        on last_year.entity_id = year_months.entity_id
        and last_year.line_kind = year_months.line_kind
        and last_year.budget_line = year_months.budget_line
        and last_year.month = (year_months.month - interval 12 month)::date
),

-- last year's shape is used only when it is whole and can be a shape
history as (
    select
        year_months.entity_id,
        year_months.line_kind,
        year_months.budget_line,
        year_months.year,
        count(last_year.month) as months_of_history,
        coalesce(bool_and(last_year.month_actual >= 0), false) as none_negative
    from (select distinct entity_id, line_kind, budget_line, year, month from year_months) as year_months
    left join metrics.budget_actuals as last_year
        on last_year.entity_id = year_months.entity_id
        and last_year.line_kind = year_months.line_kind
        and last_year.budget_line = year_months.budget_line
        and last_year.month = (year_months.month - interval 12 month)::date
    group by all
),

weighted as (
    select
        open_months.*,
        remainders.to_spread,
        case
            when history.months_of_history = 12
                and history.none_negative
                and sum(open_months.last_year_actual) over spread > 0
                then 'last year'
            else 'even'
        end as spread
    from open_months
    inner join remainders using (entity_id, line_kind, budget_line, year)
    inner join history using (entity_id, line_kind, budget_line, year)
    window spread as (partition by open_months.entity_id, open_months.line_kind, open_months.budget_line, open_months.year)
),

shares as (
    select
        *,
        case spread when 'last year' then last_year_actual else 1 end as weight
    from weighted
),

running as (
    select
        *,
        sum(weight) over (
            partition by entity_id, line_kind, budget_line, year order by month
            rows between unbounded preceding and current row
        ) as weight_to_date,
        sum(weight) over (partition by entity_id, line_kind, budget_line, year) as weight_of_year
    from shares
),

-- the running total rounded to the cent, the month's share the difference of two of them: the
-- year's months add up to the target with no cent lost or made
spread_to_date as (
    select
        *,
        case
            when weight_to_date = weight_of_year then to_spread
            else round(to_spread * weight_to_date / weight_of_year, 2)
        end::decimal(18, 2) as budget_to_date
    from running
),

spread_months as (
    select
        entity_id,
        line_kind,
        budget_line,
        month,
        (budget_to_date - coalesce(lag(budget_to_date) over (
            partition by entity_id, line_kind, budget_line, year order by month
        ), 0))::decimal(18, 2) as budget,
        spread,
        annual_target
    from spread_to_date
)

-- where each month's budget comes from: its own line (`month`), or its year's target spread
-- (`annual`) by last year's shape or evenly
select
    monthly.entity_id,
    monthly.line_kind,
    monthly.budget_line,
    monthly.month,
    monthly.amount as budget,
    'month' as budget_source,
    null as spread,
    annual.amount as annual_target
from monthly
left join annual using (entity_id, line_kind, budget_line, year)

union all

select
    entity_id,
    line_kind,
    budget_line,
    month,
    budget,
    'annual',
    spread,
    annual_target
from spread_months

order by entity_id, line_kind, budget_line, month
