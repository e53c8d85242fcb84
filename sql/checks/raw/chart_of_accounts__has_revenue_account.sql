-- The chart of accounts has at least one revenue account.
-- Without one no sale counts as revenue: every P&L, burn and break-even figure would be wrong.
-- A row here is a chart that loaded no account of type revenue, with what it did load.
select
    count(*) as accounts_loaded,
    coalesce(string_agg(distinct type, ', ' order by type), '') as types_loaded
from raw.chart_of_accounts
having count(*) filter (where type = 'revenue') = 0
