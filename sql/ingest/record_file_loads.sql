-- Record the files of one load (`load_counts`, from ingest/file_counts.sql) in ingest.file_loads.
insert into ingest.file_loads by name
select $table_name as table_name, *
from load_counts
