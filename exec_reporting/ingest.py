"""Canonical CSV files into DuckDB, with nothing lost.

Each table of the input contract (exec_reporting.contract) is loaded from every entity's file in
one transaction: rows that meet the contract go to raw.<table>, every other row to
quarantine.rows with its file, line, column, value and reason. A file that cannot be read at all
fails the whole load with one error naming every such file, and the warehouse keeps what it had.

Line numbers count the header as line 1; they are CSV record numbers, equal to the line in the
file unless a quoted value spans several lines. A file with mixed or old Mac line ends, or blank
lines between records, is read through a normalized copy (exec_reporting.source_text) whose line
numbers are mapped back to the file's.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from exec_reporting.config import ReportingConfig
from exec_reporting.contract import PLAUSIBLE_YEARS, TABLES, Table
from exec_reporting.source_text import ReadableFile, readable_file
from exec_reporting.sqlfiles import (
    create_table_as,
    execute,
    execute_on_table,
    insert_into,
    query,
)

log = logging.getLogger(__name__)


class IngestError(Exception):
    """One or more files cannot be read at all; nothing was written."""

    def __init__(self, table: str, problems: list[str]):
        self.table = table
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"cannot load {table}: {len(problems)} file problem(s)\n{listing}")


@dataclass(frozen=True)
class SourceFile:
    table: Table
    entity_id: str | None
    path: Path
    # The path as stored in the warehouse: relative to data_dir.
    name: str


@dataclass
class FileLoad:
    source_file: str
    entity_id: str | None
    sha256: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    table: str
    files: list[FileLoad]
    missing_optional: list[str]

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)


def source_files(config: ReportingConfig, table: Table) -> tuple[list[SourceFile], list[Path]]:
    """The files a table is read from, and the expected files that are absent."""
    data_dir = config.data_path
    candidates: list[tuple[str | None, Path]]
    if table.scope == "portfolio":
        candidates = [(None, data_dir / table.file_name)]
    else:
        candidates = [(e.id, data_dir / e.id / table.file_name) for e in config.entities]
    present, absent = [], []
    for entity_id, path in candidates:
        if path.is_file():
            present.append(
                SourceFile(table, entity_id, path, path.relative_to(data_dir).as_posix())
            )
        else:
            absent.append(path)
    return present, absent


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _normalize(name: str) -> str:
    return name.strip().lower()


def read_header(
    source: SourceFile, readable: ReadableFile | None = None
) -> tuple[list[str], list[str]]:
    """The file's column names (normalized) and the problems that stop it from being read.
    `readable`: what the reader reads of the file (a normalized copy, or the file itself)."""
    path, table = source.path, source.table
    expected = ", ".join(c.name for c in table.columns)
    try:
        with (readable.path if readable else path).open("rb") as handle:
            first_line = handle.readline()
        if b"\x00" in first_line:
            return [], [
                f"{path}: line 1: a NUL byte in the header: not UTF-8 text (UTF-16 or a binary "
                "file?); save the file as CSV UTF-8"
            ]
        header = next(csv.reader([first_line.decode("utf-8-sig")]), None)
    except UnicodeDecodeError as error:
        return [], [f"{path}: line 1: not UTF-8 text ({error.reason}); save the file as UTF-8"]
    except OSError as error:
        return [], [f"{path}: cannot be read ({error.strerror})"]
    if not header or not any(cell.strip() for cell in header):
        return [], [f"{path}: line 1: expected a header row with the columns {expected}"]
    names = [_normalize(cell) for cell in header]
    problems = []
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        problems.append(f"{path}: line 1: column(s) {', '.join(repeated)} appear more than once")
    missing = [c.name for c in table.columns if c.name not in names and not c.optional_in_header]
    if missing:
        problems.append(
            f"{path}: line 1: missing required column(s) {', '.join(missing)} "
            f"(expected header: {expected})"
        )
    return names, problems


def _prepare(conn: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Fresh temp tables for one load: the staged rows, rejects, files and the contract."""
    execute(conn, "ingest/macros")
    execute(conn, "ingest/load_tables")
    # `stage` has one text column per contract column; names come from exec_reporting.contract.
    columns = ", ".join(f"{column.name} varchar" for column in table.columns)
    conn.execute(
        "create or replace temp table stage "
        f"(source_file varchar, entity_id varchar, line bigint, {columns})"
    )
    conn.executemany(
        "insert into contract_columns values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c.name,
                position,
                c.type,
                c.required,
                list(c.choices),
                c.required_when[0] if c.required_when else None,
                list(c.required_when[1]) if c.required_when else [],
                c.expected,
                table.key.index(c.name) if c.name in table.key else None,
                c.limit,
                c.limit_expected,
                c.window.earliest if c.window else None,
                c.window.latest if c.window else None,
            )
            for position, c in enumerate(table.columns)
        ],
    )


def _stage_file(
    conn: duckdb.DuckDBPyConnection, source: SourceFile, readable: ReadableFile, header: list[str]
) -> list[str]:
    """Append one file's rows to `stage`; return the problems that stop it from loading."""
    known = {column.name for column in source.table.columns}
    # Read every column as text under its contract name; the rest as _ignored_<n>.
    columns = {
        (name if name in known else f"_ignored_{position}"): "VARCHAR"
        for position, name in enumerate(header)
    }
    ignored = [name for name in header if name and name not in known]
    conn.execute("drop table if exists file_rejects")
    conn.execute("drop table if exists file_rejects_scan")
    try:
        execute(conn, "ingest/read_file", path=str(readable.path), columns=columns)
    except duckdb.Error as error:
        return [f"{source.path}: cannot be read as CSV: {error}"]
    bad_encoding = conn.execute(
        "select min(line) from file_rejects where error_type = 'INVALID ENCODING'"
    ).fetchall()[0][0]
    if bad_encoding is not None:
        line = readable.original_line(bad_encoding)
        return [f"{source.path}: line {line}: not UTF-8 text; save the file as UTF-8"]
    execute(conn, "ingest/line_shifts", blank_lines=list(readable.blank_lines))
    where = {"source_file": source.name, "entity_id": source.entity_id}
    execute(conn, "ingest/stage_file", **where)
    execute(conn, "ingest/stage_rejects", **where)
    conn.execute(
        "insert into load_files values ($source_file, $entity_id, $sha256, $ignored)",
        {**where, "sha256": file_sha256(source.path), "ignored": ignored},
    )
    return []


def run_date_of(config: ReportingConfig) -> date:
    """Today in the configured time zone: what "the future" is measured from."""
    return datetime.now(ZoneInfo(config.timezone)).date()


def _date_bounds(config: ReportingConfig, run_date: date | None) -> dict[str, object]:
    """The parameters the date windows of the contract are resolved with (sql/ingest/macros.sql)."""
    return {
        "first_day": config.first_month_date,
        "run_date": run_date or run_date_of(config),
        "future_days": config.quality.future_days,
        "plausible_years": PLAUSIBLE_YEARS,
    }


def load_table(
    conn: duckdb.DuckDBPyConnection,
    config: ReportingConfig,
    table: Table,
    entities: list[str] | None = None,
    run_date: date | None = None,
) -> LoadResult:
    """Load every entity's file of `table` into raw.<table> and quarantine.rows, atomically.

    With `entities`, reload only those entities' files (a file of theirs changed): their rows
    are replaced and every other entity's rows stay as they are. `run_date` (default: today in
    the configured time zone) is the day dates that happened may not be later than (plus
    quality.future_days)."""
    present, absent = source_files(config, table)
    reloaded = list(entities or [])
    partial = (
        bool(reloaded) and table.scope == "entity" and _table_exists(conn, f"raw.{table.name}")
    )
    if partial:
        present = [s for s in present if s.entity_id in reloaded]
        absent = [p for p in absent if p.parent.name in reloaded]
    problems = [
        f"{path}: missing: every {'entity' if table.scope == 'entity' else 'portfolio'} needs "
        f"{table.file_name} (see docs/data-contract.md)"
        for path in absent
        if table.required
    ]
    execute(conn, "ingest/schema")
    _prepare(conn, table)
    any_nul = False
    # Normalized copies live only until their rows are staged (DuckDB copies them into `stage`).
    with tempfile.TemporaryDirectory(prefix="exec-reporting-ingest-") as scratch:
        for source in present:
            readable, file_problems = _stage_source(conn, source, Path(scratch))
            problems.extend(file_problems)
            any_nul = any_nul or (readable is not None and readable.has_nul)
    if problems:
        raise IngestError(table.name, problems)

    raw_table = f"raw.{table.name}"
    create_table_as(
        conn,
        "cell_problems",
        "ingest/cell_problems",
        temp=True,
        check_nul=any_nul,
        **_date_bounds(config, run_date),
    )
    create_table_as(conn, "duplicate_keys", "ingest/duplicate_keys", temp=True)
    create_table_as(
        conn,
        "load_quarantine",
        "ingest/quarantine",
        temp=True,
        table_name=table.name,
        key_columns=", ".join(table.key),
    )
    # the entities whose rows this load replaces (None: all of the table)
    scope = {"t": table.name, "entities": reloaded if partial else None}
    conn.execute("begin transaction")
    try:
        if partial:
            execute_on_table(conn, "ingest/forget_entities", raw_table, entities=scope["entities"])
            insert_into(conn, raw_table, f"raw/{table.name}")
        else:
            create_table_as(conn, raw_table, f"raw/{table.name}")
        execute(conn, "ingest/forget_quarantine", **scope)
        conn.execute("insert into quarantine.rows by name select * from load_quarantine")
        create_table_as(conn, "load_counts", "ingest/file_counts", temp=True, raw_table=raw_table)
        execute(conn, "ingest/forget_file_loads", **scope)
        execute(conn, "ingest/record_file_loads", table_name=table.name)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    counts = conn.execute("select * from load_counts")
    names = [d[0] for d in counts.description]
    files = [FileLoad(**dict(zip(names, row, strict=True))) for row in counts.fetchall()]
    missing = [] if table.required else [str(p) for p in absent]
    return LoadResult(table.name, files, missing)


def _stage_source(
    conn: duckdb.DuckDBPyConnection, source: SourceFile, scratch: Path
) -> tuple[ReadableFile | None, list[str]]:
    """Stage one file (through a normalized copy under `scratch` when it needs one); return what
    was read and the problems that stop the file from loading."""
    try:
        readable = readable_file(source.path, scratch)
    except OSError as error:
        return None, [f"{source.path}: cannot be read ({error.strerror})"]
    if readable.normalized:
        log.info(
            "reading %s through a normalized copy: %s", source.path, "; ".join(readable.changes)
        )
    header, problems = read_header(source, readable)
    if problems:
        return readable, problems
    problems = _stage_file(conn, source, readable, header)
    if not problems:
        log.info("staged %s", source.path)
    return readable, problems


def _table_exists(conn, name: str) -> bool:
    schema, _, table = name.partition(".")
    found = conn.execute(
        "select count(*) from information_schema.tables where table_schema = $s and table_name = $t",
        {"s": schema, "t": table},
    ).fetchall()
    return found[0][0] > 0


def table_version(config: ReportingConfig, table: Table) -> tuple[str, dict[str, str]]:
    """The content version of a table's input files (a hash of every file's path and SHA-256),
    and the SHA-256 of each file by its path under data_dir."""
    present, _ = source_files(config, table)
    hashes = {source.name: file_sha256(source.path) for source in present}
    digest = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:16]
    return digest, hashes


def load_all(
    conn: duckdb.DuckDBPyConnection,
    config: ReportingConfig,
    tables: Iterable[Table] = TABLES,
    run_date: date | None = None,
) -> list[LoadResult]:
    """Load every table of the contract (a convenience for shells and tests)."""
    return [load_table(conn, config, table, run_date=run_date) for table in tables]


def latest_ledger_date(config: ReportingConfig, run_date: date | None = None):
    """The latest date in any entity's ledger.csv (None when there is none), read from the files;
    like ingest, it ignores dates outside the report window (before first_month, or after the
    run date plus quality.future_days)."""
    from exec_reporting.contract import table as contract_table

    present, _ = source_files(config, contract_table("ledger"))
    if not present:
        return None
    conn = duckdb.connect()
    try:
        bounds = _date_bounds(config, run_date)
        with tempfile.TemporaryDirectory(prefix="exec-reporting-ingest-") as scratch:
            # read as ingest reads them: mixed line ends would stop DuckDB's reader
            paths = [str(readable_file(s.path, Path(scratch)).path) for s in present]
            return query(
                conn,
                "ingest/latest_ledger_date",
                paths=paths,
                first_day=bounds["first_day"],
                run_date=bounds["run_date"],
                future_days=bounds["future_days"],
            )[0]["latest"]
    except (duckdb.Error, OSError):
        return None
    finally:
        conn.close()
