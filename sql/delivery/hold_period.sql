-- A month's pack waits for data: one row per entity whose data does not cover the month, with
-- how far its data reaches and the file that says so.
insert into delivery.held_periods
    (period, entity_id, name, last_ledger_date, covers_through, source_file, noted_at)
values
    ($period, $entity_id, $entity_name, $last_ledger_date, $covers_through, $source_file, $now)
