-- A month's pack waits for data: one row per entity whose data does not cover the month.
insert into delivery.held_periods (period, entity_id, name, last_ledger_date, noted_at)
values ($period, $entity_id, $entity_name, $last_ledger_date, $now)
