-- The events of metrics.upcoming known at the end of $month and dated in the $days days from
-- $start (the CEO and CFO reports: the 30 days after the month; the weekly flash: 14 days after a
-- Sunday), by date; with $money_only, only those that move money. Each row carries the window's
-- totals: money due in, money due out, and its kind's count and amount.
select
    upcoming.entity_id,
    coalesce(entities.name, 'Portfolio') as name,
    upcoming.upcoming_on,
    upcoming.upcoming_kind,
    upcoming.upcoming_source,
    upcoming.upcoming_event,
    upcoming.upcoming_amount,
    coalesce(
        sum(upcoming.upcoming_amount) filter (where upcoming.upcoming_amount > 0) over (), 0
    ) as money_in,
    coalesce(
        sum(upcoming.upcoming_amount) filter (where upcoming.upcoming_amount < 0) over (), 0
    ) as money_out,
    count(*) over (partition by upcoming.upcoming_kind) as kind_events,
    sum(upcoming.upcoming_amount) over (partition by upcoming.upcoming_kind) as kind_amount
from metrics.upcoming as upcoming
left join config.entities as entities using (entity_id)
where upcoming.month = $month
    and upcoming.upcoming_on >= $start
    and upcoming.upcoming_on < $start + $days::integer
    and (not $money_only or upcoming.upcoming_amount is not null)
order by upcoming.upcoming_on, name, upcoming.upcoming_kind, upcoming.upcoming_source
