-- The codes and names of the portfolio's chart of accounts ($path: chart_of_accounts.csv), as
-- text, for an export that names each line's account rather than its code (QuickBooks' split
-- account). Rows without a code are left out; the chart is checked on its own load.
create or replace temp table chart_names as
select
    trim(code) as code,
    lower(regexp_replace(trim(name), '\s+', ' ', 'g')) as name_key
from read_csv($path, header = true, all_varchar = true, ignore_errors = true)
where nullif(trim(code), '') is not null
