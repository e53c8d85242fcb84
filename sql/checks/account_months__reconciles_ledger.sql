-- Each entity month's accounts add up to its ledger lines, counted straight from raw.ledger: as
-- many lines and the same net (what metrics.burn counts as cash), and on every account money in
-- minus money out is the net. Each row here is an entity month that does not add up (or an
-- account whose money in and out do not make its net).
with ledger as (
    select
        entity_id,
        date_trunc('month', date)::date as month,
        count(*) as lines,
        sum(amount) as net
    from raw.ledger
    group by all
),

accounts as (
    select
        entity_id,
        month,
        sum(month_lines) as lines,
        sum(month_net) as net,
        count(*) filter (where money_in - money_out <> month_net) as accounts_not_netting
    from metrics.account_months
    group by all
)

select
    entity_id,
    month,
    ledger.lines as ledger_lines,
    accounts.lines as account_lines,
    ledger.net as ledger_net,
    accounts.net as account_net,
    coalesce(accounts.accounts_not_netting, 0) as accounts_not_netting
from ledger
full outer join accounts using (entity_id, month)
where ledger.lines is distinct from accounts.lines
    or ledger.net is distinct from accounts.net
    or accounts.accounts_not_netting > 0
order by entity_id, month
