-- An older warehouse held the send ledger in its own schema `delivery`: copy its rows into the
-- ledger file (attached as `delivery`; the warehouse as `legacy_warehouse`). Rows the file has
-- already (an earlier copy interrupted before the drop) are not copied twice.
insert or ignore into delivery.messages by name
select * from legacy_warehouse.delivery.messages;

insert or ignore into delivery.editions by name
select * from legacy_warehouse.delivery.editions;

-- by the columns every version had (the coverage columns came after the move)
insert into delivery.held_periods (period, entity_id, name, last_ledger_date, noted_at)
select period, entity_id, name, last_ledger_date, noted_at
from legacy_warehouse.delivery.held_periods
except
select period, entity_id, name, last_ledger_date, noted_at from delivery.held_periods;
