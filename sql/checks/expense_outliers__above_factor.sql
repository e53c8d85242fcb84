-- Every outlier has 3 to 12 months of history and a spend above outlier_factor times its median:
-- each row here breaks the rule it was listed by.
select
    outliers.entity_id,
    outliers.month,
    outliers.account_code,
    outliers.history_months,
    outliers.outlier_ratio,
    parameters.outlier_factor
from metrics.expense_outliers as outliers
cross join config.parameters as parameters
where outliers.history_months not between 3 and 12
    or not outliers.outlier_ratio > parameters.outlier_factor
    or not outliers.account_spend > 0
order by outliers.entity_id, outliers.month, outliers.account_code
