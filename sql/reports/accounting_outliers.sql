-- The spending outliers still under review in the report month ($month): those of this month and
-- of the review_months - 1 months before it. The newest and largest first.
select
    outliers.entity_id,
    entities.name,
    outliers.month,
    outliers.account_code,
    outliers.account_code || ' ' || outliers.account_name as account,
    outliers.account_spend,
    outliers.median_spend,
    outliers.outlier_ratio,
    outliers.history_months
from metrics.expense_outliers as outliers
cross join config.parameters as parameters
inner join config.entities as entities using (entity_id)
where outliers.month <= $month
    and outliers.month > $month - to_months(parameters.review_months)
order by outliers.month desc, outliers.account_spend - outliers.median_spend desc, entities.name
