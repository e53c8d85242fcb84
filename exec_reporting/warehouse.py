"""The warehouse file and the send ledger beside it, opened as one DuckDB connection.

The warehouse is rebuilt from the source files whenever needed; the send ledger (what was sent to
whom) cannot be, so it is a file of its own, attached to every warehouse connection under the
name `delivery` (`delivery.messages` reads the same as ever; docs/decisions.md, 21). Opening
tells the errors an operator can act on from the rest: a file another process holds (with that
process named), a damaged warehouse (run `exec-reporting rebuild`), a damaged send ledger
(restore it: it is never moved or rebuilt automatically).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import duckdb

from exec_reporting.sqlfiles import execute

# The catalog name the send ledger is attached under: `delivery.messages` and the other ledger
# tables of sql/delivery/ resolve to it.
LEDGER_CATALOG = "delivery"
# How often a locked file is tried again while waiting for it.
LOCK_POLL_SECONDS = 0.25

_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")
# What DuckDB 2.0 says when a file is not a database, is cut short, or fails its checksums.
_DAMAGE = (
    "not a valid DuckDB database file",
    "Could not read enough bytes",
    "Corrupt database file",
    "checksum",
    "replaying WAL",
)


class WarehouseUnavailable(Exception):
    """The warehouse or the send ledger cannot be opened; the message says why and what to do."""


@dataclass(frozen=True)
class LockHolder:
    """The process holding a DuckDB file, as DuckDB names it, with its command line if readable."""

    pid: int | None
    program: str | None
    command_line: str | None

    def describe(self) -> str:
        if self.pid is None:
            return "another process (DuckDB did not name it)"
        what = self.command_line or self.program or "command line not readable"
        return f"process {self.pid} ({what})"


class WarehouseLocked(WarehouseUnavailable):
    def __init__(self, role: str, path: Path, holder: LockHolder, detail: str, waited: float):
        self.role, self.path, self.holder, self.detail, self.waited = (
            role,
            path,
            holder,
            detail,
            waited,
        )
        stop = f" (`kill {holder.pid}`)" if holder.pid else ""
        super().__init__(
            f"the {role} {path} is held by {holder.describe()}: still after {waited:g} s "
            "(warehouse_lock_timeout_seconds in reporting.yaml). DuckDB lets one process open "
            f"it at a time: wait for that process to finish, or stop it if it is stuck{stop}, "
            "then run again."
        )


class WarehouseDamaged(WarehouseUnavailable):
    def __init__(self, path: Path, detail: str):
        self.path, self.detail = path, detail
        super().__init__(
            f"the warehouse {path} is damaged ({detail}). Everything in it is rebuilt "
            "from the source files: run `exec-reporting rebuild` (it moves the damaged file "
            "aside and keeps the send ledger), then run again."
        )


class SendLedgerDamaged(WarehouseUnavailable):
    def __init__(self, path: Path, detail: str):
        self.path, self.detail = path, detail
        super().__init__(
            f"the send ledger {path} is damaged ({detail}). It is the record of what "
            "was sent and cannot be rebuilt from the source files; nothing was moved or sent. "
            "Restore it from a backup, or move it aside yourself knowing that the next run then "
            "sends every report of its month again (docs/operations.md)."
        )


def _duckdb_detail(error: Exception) -> str:
    text = str(error).removeprefix("IO Error: ")
    return text.split(" See also https://")[0].strip()


def _command_line(pid: int) -> str | None:
    """The process's command line from /proc, with the interpreter of a script left out
    ("exec-reporting run --month 2026-10", not ".venv/bin/python .venv/bin/exec-reporting ...")."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    argv = [part.decode(errors="replace") for part in raw.split(b"\0") if part]
    if not argv:
        return None
    if Path(argv[0]).name.startswith("python") and len(argv) > 1 and "/" in argv[1]:
        argv = argv[1:]
    argv[0] = Path(argv[0]).name
    line = " ".join(argv)
    return line if len(line) <= 200 else line[:197] + "..."


def lock_holder(error: Exception) -> LockHolder | None:
    """The holder named by DuckDB's "Could not set lock on file" error; None for other errors."""
    message = str(error)
    if "Could not set lock on file" not in message:
        return None
    found = _LOCK_HOLDER.search(message)
    if not found:
        return LockHolder(None, None, None)
    pid = int(found["pid"])
    return LockHolder(pid, found["program"], _command_line(pid))


def _is_damage(error: Exception) -> bool:
    return any(marker in str(error) for marker in _DAMAGE)


class _Locked(Exception):
    """One attempt found the file locked (raised again as WarehouseLocked once time is up)."""

    def __init__(self, role: str, path: Path, holder: LockHolder, detail: str):
        self.role, self.path, self.holder, self.detail = role, path, holder, detail


def _classified(error: duckdb.Error, role: str, path: Path) -> Exception:
    holder = lock_holder(error)
    if holder is not None:
        return _Locked(role, path, holder, _duckdb_detail(error))
    if _is_damage(error):
        if role == "send ledger":
            return SendLedgerDamaged(path, f"DuckDB: {_duckdb_detail(error)}")
        return WarehouseDamaged(path, f"DuckDB: {_duckdb_detail(error)}")
    return error


# DuckDB's file header (one main header, two database headers) before the first block.
_FILE_HEADER_BYTES = 3 * 4096


def _database_name(conn: duckdb.DuckDBPyConnection) -> str:
    row = conn.execute("select current_database()").fetchone()
    assert row is not None  # current_database() always answers
    return row[0]


def _cut_short(conn: duckdb.DuckDBPyConnection, catalog: str, path: Path) -> str | None:
    """Why the file is too short for the blocks its catalog uses, or None. A file cut short (a
    full disk, an interrupted copy) opens when its catalog is in the part left, and would fail
    only when a step reads a block past the end. The blocks in use must all be in the file (free
    ones at its end are cut off by DuckDB itself); a file with a write-ahead log is skipped: its
    blocks may not be written yet."""
    if path.with_name(path.name + ".wal").exists():
        return None
    found = conn.execute(
        "select block_size, used_blocks from pragma_database_size() where database_name = $name",
        {"name": catalog},
    ).fetchone()
    if not found:
        return None
    block_size, used_blocks = found
    needed = _FILE_HEADER_BYTES + block_size * used_blocks
    actual = path.stat().st_size
    if actual >= needed:
        return None
    return (
        f"the file is {actual} bytes, too short for the {used_blocks} blocks of "
        f"{block_size} bytes it uses: it was cut short"
    )


def damage_in_use(error: Exception, warehouse: Path | str, ledger: Path | str) -> str | None:
    """What to say when DuckDB finds a damaged block while a step reads (a checksum that does not
    match): it does not say which file, so both are named, the warehouse first (it is the big
    one, and the one that is rebuilt). None for any other error."""
    if not _is_damage(error):
        return None
    return (
        f"DuckDB found damaged data while reading the warehouse {warehouse} or the send ledger "
        f"{ledger} ({_duckdb_detail(error)}). The warehouse is rebuilt from the source files: run "
        "`exec-reporting rebuild`, then run again; if this error comes back, it is the send "
        "ledger: restore it from a backup (docs/operations.md)."
    )


def _raise_classified(error: duckdb.Error, role: str, path: Path) -> NoReturn:
    classified = _classified(error, role, path)
    if classified is error:
        raise error
    raise classified from error


def _holds_legacy_ledger(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse still holds the send ledger's tables (schema `delivery`), as every
    warehouse did before the ledger became a file of its own."""
    found = conn.execute(
        "select count(*) from duckdb_schemas() "
        "where database_name = current_database() and schema_name = $schema",
        {"schema": LEDGER_CATALOG},
    ).fetchone()
    return bool(found and found[0])


def migrate_legacy_ledger(warehouse: Path, ledger: Path) -> None:
    """Move the send ledger out of an older warehouse into its own file: copy its rows (those the
    ledger file lacks), then drop them from the warehouse. Two transactions (DuckDB writes one
    database per transaction): a crash in between leaves both copies, and the next open copies
    nothing twice and drops the warehouse's."""
    with duckdb.connect() as conn:
        conn.execute("attach $path as legacy_warehouse", {"path": str(warehouse)})
        # an older warehouse may lack a table added since: create it there, empty, so that the
        # copy reads every table (`delivery.x` is the warehouse's schema until the file is attached)
        conn.execute("use legacy_warehouse")
        execute(conn, "delivery/schema")
        conn.execute("use memory")
        conn.execute(f"attach $path as {LEDGER_CATALOG}", {"path": str(ledger)})
        execute(conn, "delivery/schema")
        conn.execute("begin transaction")
        execute(conn, "delivery/migrate_legacy_ledger")
        conn.execute("commit")
        conn.execute("begin transaction")
        execute(conn, "delivery/drop_legacy_ledger")
        conn.execute("commit")


def _open_once(
    warehouse: Path | str,
    ledger: Path | str,
    read_only: bool,
    config: dict[str, Any],
) -> duckdb.DuckDBPyConnection:
    in_memory = str(warehouse) == ":memory:"
    try:
        conn = duckdb.connect(str(warehouse), read_only=read_only and not in_memory, config=config)
    except duckdb.Error as error:
        _raise_classified(error, "warehouse", Path(warehouse))
    try:
        if not in_memory:
            short = _cut_short(conn, _database_name(conn), Path(warehouse))
            if short:
                raise WarehouseDamaged(Path(warehouse), short)
        if not in_memory and _holds_legacy_ledger(conn):
            if read_only:
                raise WarehouseUnavailable(
                    f"the warehouse {warehouse} still holds the send ledger (schema delivery) of "
                    f"an earlier version: open it once for writing (any exec-reporting command, "
                    f"such as `exec-reporting deliveries`) to move the ledger into {ledger}"
                )
            conn.close()
            try:
                migrate_legacy_ledger(Path(warehouse), Path(ledger))
            except duckdb.Error as error:
                _raise_classified(error, "send ledger", Path(ledger))
            conn = duckdb.connect(str(warehouse), config=config)
        _attach_ledger(conn, ledger, read_only)
    except BaseException:
        conn.close()
        raise
    return conn


def _attach_ledger(conn: duckdb.DuckDBPyConnection, ledger: Path | str, read_only: bool) -> None:
    target = str(ledger)
    if read_only and target != ":memory:" and not Path(target).exists():
        target = ":memory:"  # nothing was ever sent: an empty ledger says exactly that
        read_only = False
    mode = " (read_only)" if read_only and target != ":memory:" else ""
    try:
        conn.execute(f"attach $path as {LEDGER_CATALOG}{mode}", {"path": target})
    except duckdb.Error as error:
        _raise_classified(error, "send ledger", Path(ledger))
    if target != ":memory:":
        short = _cut_short(conn, LEDGER_CATALOG, Path(target))
        if short:
            raise SendLedgerDamaged(Path(ledger), short)
    if not mode:
        execute(conn, "delivery/schema")


def connect(
    warehouse: Path | str,
    ledger: Path | str,
    *,
    read_only: bool = False,
    lock_timeout: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
    config: dict[str, Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """The warehouse (":memory:" for a throwaway one) with the send ledger attached as
    `delivery`, its tables created. A file held by another process is tried again for up to
    `lock_timeout` seconds (`on_wait` hears once who holds it), then WarehouseLocked; a damaged
    file raises WarehouseDamaged or SendLedgerDamaged at once."""
    if str(warehouse) != ":memory:":
        Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    if str(ledger) != ":memory:" and not read_only:
        Path(ledger).parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_timeout
    told = False
    while True:
        try:
            return _open_once(warehouse, ledger, read_only, dict(config or {}))
        except _Locked as locked:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WarehouseLocked(
                    locked.role, locked.path, locked.holder, locked.detail, lock_timeout
                ) from None
            if on_wait is not None and not told:
                on_wait(
                    f"the {locked.role} {locked.path} is held by {locked.holder.describe()}: "
                    f"waiting up to {lock_timeout:g} s for it"
                )
                told = True
            time.sleep(min(LOCK_POLL_SECONDS, left))


def check_send_ledger(ledger: Path, lock_timeout: float = 0.0) -> bool:
    """Open the send ledger file alone, to know it is sound before touching anything else.
    Returns whether it exists; raises SendLedgerDamaged or WarehouseLocked."""
    if not ledger.exists():
        return False
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            with duckdb.connect(str(ledger), read_only=True) as conn:
                short = _cut_short(conn, _database_name(conn), ledger)
            if short:
                raise SendLedgerDamaged(ledger, short)
            return True
        except duckdb.Error as error:
            classified = _classified(error, "send ledger", ledger)
            if not isinstance(classified, _Locked):
                raise classified from error
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    "send ledger", ledger, classified.holder, classified.detail, lock_timeout
                ) from None
            time.sleep(LOCK_POLL_SECONDS)


def move_aside(warehouse: Path, now: datetime | None = None) -> list[tuple[Path, Path]]:
    """Rename the warehouse file (and its write-ahead log, which belongs to it) to
    `<name>.damaged-<timestamp>`; never delete it. Returns the (from, to) pairs moved."""
    stamp = (now or datetime.now()).strftime("%Y%m%dT%H%M%S")
    target = warehouse.with_name(f"{warehouse.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = warehouse.with_name(f"{warehouse.name}.damaged-{stamp}-{n}")
    moved = []
    wal = warehouse.with_name(warehouse.name + ".wal")
    if warehouse.exists():
        warehouse.rename(target)
        moved.append((warehouse, target))
    if wal.exists():
        wal_target = target.with_name(target.name + ".wal")
        wal.rename(wal_target)
        moved.append((wal, wal_target))
    return moved
