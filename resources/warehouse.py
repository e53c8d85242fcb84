"""The DuckDB warehouse as a Dagster resource: the warehouse file with the send ledger attached
(exec_reporting/warehouse.py `connect`).

It keeps dagster-duckdb's DuckDBResource settings but opens the file itself: DuckDBResource
retries a locked file with a backoff of about 102 s, on every step, and says why only at the
end. Here a locked file is waited for `lock_timeout_seconds` at most, once per run: when the
wait runs out, that step fails naming the process that holds the file, and every later warehouse
step of the same run fails at once with the same message. A damaged file fails at once, without
retries, saying to run `exec-reporting rebuild`. The connection is always closed, also when the
body raises, so a failed step never keeps the file locked. DuckDB allows a single writing
process: every asset that opens the warehouse runs in the "duckdb" concurrency pool.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import Field, PrivateAttr

from exec_reporting.warehouse import (
    WarehouseLocked,
    WarehouseUnavailable,
    connect,
    damage_in_use,
)

# The concurrency pool of every asset that opens the warehouse.
POOL = "duckdb"

# {(run id, warehouse path): the message} of the runs in this process whose wait for the
# warehouse ran out: a run is one process (the in-process executor), so its later steps read it.
_LOCKED_IN_RUN: dict[tuple[str, str], str] = {}


class WarehouseResource(DuckDBResource):
    """The project's DuckDB file, the send ledger attached as `delivery`. `get_connection()`
    always closes what it opened."""

    send_ledger: str = Field(
        description="Path of the send ledger's DuckDB file (':memory:' for a throwaway one)."
    )
    lock_timeout_seconds: float = Field(
        default=30.0,
        description="How long to wait for the warehouse while another process holds it.",
    )
    _run_id: str | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._run_id = context.run_id

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        log = dg.get_dagster_logger()
        memo_key = (self._run_id, self.database) if self._run_id else None
        if memo_key in _LOCKED_IN_RUN:
            log.info("warehouse: not waiting again, an earlier step of this run found it held")
            raise dg.Failure(description=_LOCKED_IN_RUN[memo_key], allow_retries=False)
        try:
            conn = connect(
                self.database,
                self.send_ledger,
                lock_timeout=self.lock_timeout_seconds,
                on_wait=lambda message: log.warning(f"warehouse lock: {message}"),
                config=self.connection_config,
            )
        except WarehouseLocked as locked:
            if memo_key is not None:
                _LOCKED_IN_RUN[memo_key] = str(locked)
            raise dg.Failure(description=str(locked), allow_retries=False) from locked
        except WarehouseUnavailable as unavailable:
            raise dg.Failure(description=str(unavailable), allow_retries=False) from unavailable
        # in the run's event log: proof that no two steps ever held the file at once
        log.debug(f"warehouse connection opened: {self.database}")
        try:
            yield conn
        except duckdb.Error as error:
            damaged = damage_in_use(error, self.database, self.send_ledger)
            if damaged is None:
                raise
            raise dg.Failure(description=damaged, allow_retries=False) from error
        finally:
            log.debug(f"warehouse connection closing: {self.database}")
            conn.close()
