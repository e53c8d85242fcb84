"""The DuckDB warehouse as a Dagster resource.

Built on dagster-duckdb's DuckDBResource, with one change: the connection is closed when the body
raises too (DuckDBResource.get_connection leaves it open then), so a failed step never keeps the
file locked. DuckDB allows a single writing process: every asset that opens the warehouse runs in
the "duckdb" concurrency pool.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

# The concurrency pool of every asset that opens the warehouse.
POOL = "duckdb"


class WarehouseResource(DuckDBResource):
    """The project's DuckDB file. `get_connection()` always closes what it opened."""

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.database != ":memory:":
            Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        log = dg.get_dagster_logger()
        with super().get_connection() as conn:
            # in the run's event log: proof that no two steps ever held the file at once
            log.debug(f"warehouse connection opened: {self.database}")
            try:
                yield conn
            finally:
                log.debug(f"warehouse connection closing: {self.database}")
                conn.close()
