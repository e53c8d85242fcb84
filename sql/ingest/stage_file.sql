-- Append the rows of one canonical file (`file_rows`, from ingest/file_rows.sql) to `stage`.
insert into stage by name
select
    $source_file as source_file,
    $entity_id as entity_id,
    *
from file_rows
