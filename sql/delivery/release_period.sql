-- A month's pack went out (or is about to be held again): it is no longer held.
delete from delivery.held_periods where period = $period
