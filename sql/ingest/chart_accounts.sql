-- The chart's accounts as loaded, for the temp table `chart_accounts`.
select code, name, type from raw.chart_of_accounts
