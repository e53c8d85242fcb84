-- Each week's cash at the end is its cash at the start plus money in less money out, and its cash
-- at the start is the week before's cash at the end (the configured opening cash in the first
-- week): each row here is a week that loses or invents money.
with compared as (
    select
        flows.entity_id,
        flows.iso_week,
        flows.week_opening_cash,
        flows.week_money_in,
        flows.week_money_out,
        flows.week_closing_cash,
        coalesce(
            lag(flows.week_closing_cash) over (
                partition by flows.entity_id order by flows.week_monday
            ),
            entities.opening_cash
        ) as previous_cash_end
    from metrics.weekly_flows as flows
    inner join config.entities as entities using (entity_id)
)

select *
from compared
where week_opening_cash + week_money_in - week_money_out <> week_closing_cash
    or week_opening_cash <> previous_cash_end
order by entity_id, iso_week
