-- metrics.expense_outliers: months in which an entity spent far more than usual on a cost of goods
-- sold or expense account, one row per entity, month and account: spend above outlier_factor
-- times the account's median monthly spend over the previous twelve months of the series.
-- owner: accounting
-- grain: entity_id, month, account_code

-- Spend as in metrics.monthly_pnl: the money paid out net of money back, positive; only months
-- with spend count.
with spent as (
    select
        entity_id,
        month,
        account_code,
        account_name,
        -month_net as account_spend
    from metrics.account_months
    where account_type in ('cogs', 'expense')
        and month_net < 0
),

-- The history is the previous twelve months in which the account had spend: a quiet month is
-- left out rather than counted as 0, so a bill paid every quarter is compared with the other
-- quarters' bills, not with the empty months between them.
history as (
    select
        current_month.entity_id,
        current_month.month,
        current_month.account_code,
        current_month.account_name,
        current_month.account_spend,
        count(*) as history_months,
        -- one more decimal than money, so the mean of the two middle months is exact
        median(previous.account_spend::decimal(38, 3)) as median_exact
    from spent as current_month
    inner join spent as previous
        on current_month.entity_id = previous.entity_id
        and current_month.account_code = previous.account_code
        and previous.month < current_month.month
        and previous.month >= current_month.month - interval 12 month
    group by all
)

select
    history.entity_id,
    history.month,
    history.account_code,
    history.account_name,
    history.account_spend::decimal(18, 2) as account_spend,
    round(history.median_exact, 2)::decimal(18, 2) as median_spend,
    history.history_months::integer as history_months,
    (history.account_spend / history.median_exact)::double as outlier_ratio
from history
cross join config.parameters as parameters
-- fewer than three months say too little about what is usual
where history.history_months >= 3
    and history.account_spend > parameters.outlier_factor * history.median_exact
order by history.entity_id, history.month, history.account_code
