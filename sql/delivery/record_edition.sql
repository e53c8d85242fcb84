-- The JSON edition of a report content that goes out, once: a later correction says what
-- changed against it.
insert or ignore into delivery.editions (report, period, content_sha256, figures, recorded_at)
values ($report, $period, $content_sha256, $figures, $now)
