-- Owner money and debt service of each entity over the year to the report month ($month), from
-- metrics.cash_flows: contributions, draws, loan proceeds and principal repaid, and the cash at
-- the month's end against the entity's cash target (metrics.kpi_status) with and without the
-- owner's contributions of the year, so the report can say when the target is met only because
-- the owner put money in.
with year_to_date as (
    select
        entity_id,
        sum(owner_contributions) as owner_contributions_ytd,
        sum(owner_draws) as owner_draws_ytd,
        sum(loan_proceeds) as loan_proceeds_ytd,
        sum(loan_principal) as loan_principal_ytd
    from metrics.cash_flows
    where month between date_trunc('year', $month::date) and $month
    group by entity_id
)

select
    flows.entity_id,
    entities.name,
    flows.owner_contributions,
    flows.owner_draws,
    flows.loan_proceeds,
    flows.loan_principal,
    ytd.owner_contributions_ytd::decimal(18, 2) as owner_contributions_ytd,
    ytd.owner_draws_ytd::decimal(18, 2) as owner_draws_ytd,
    ytd.loan_proceeds_ytd::decimal(18, 2) as loan_proceeds_ytd,
    ytd.loan_principal_ytd::decimal(18, 2) as loan_principal_ytd,
    flows.cash_end,
    round(target.target, 2)::decimal(18, 2) as cash_target,
    (flows.cash_end - ytd.owner_contributions_ytd)::decimal(18, 2) as cash_without_contributions
from metrics.cash_flows as flows
inner join config.entities as entities using (entity_id)
inner join year_to_date as ytd using (entity_id)
left join metrics.kpi_status as target
    on target.entity_id = flows.entity_id
    and target.month = flows.month
    and target.kpi = 'cash_end'
    and target.better = 'higher'
where flows.month = $month
order by entities.name
