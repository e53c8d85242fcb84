-- raw.chart_of_accounts: the accounts of the shared chart that met the input contract.
select
    -- where it came from
    source_file,
    line,
    -- the account
    code,
    name,
    as_choice(type) as type,
    as_choice(behavior) as behavior
from stage
anti join load_quarantine using (source_file, line, part)
order by source_file, line
