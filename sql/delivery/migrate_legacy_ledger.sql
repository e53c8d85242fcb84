-- An older warehouse held the send ledger in its own schema `delivery`: copy its rows into the
-- ledger file (attached as `delivery`; the warehouse as `legacy_warehouse`). Rows the file has
-- already (an earlier copy interrupted before the drop) are not copied twice.
insert or ignore into delivery.messages by name
select * from legacy_warehouse.delivery.messages;

insert or ignore into delivery.editions by name
select * from legacy_warehouse.delivery.editions;

insert into delivery.held_periods by name
select * from legacy_warehouse.delivery.held_periods
except
select * from delivery.held_periods;
