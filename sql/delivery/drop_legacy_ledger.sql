-- Once its rows are in the ledger file (sql/delivery/migrate_legacy_ledger.sql): the older
-- warehouse's own copy of the send ledger goes, so that `delivery.messages` names the file's.
drop table if exists legacy_warehouse.delivery.messages;
drop table if exists legacy_warehouse.delivery.editions;
drop table if exists legacy_warehouse.delivery.held_periods;
drop schema if exists legacy_warehouse.delivery;
