"""Canonical CSV files into DuckDB, with nothing lost.

Each table of the input contract (exec_reporting.contract) is loaded from every entity's file in
one transaction: rows that meet the contract go to raw.<table>, every other row to
quarantine.rows with its file, line, column, value and reason. A file that cannot be read at all
fails the whole load with one error naming every such file, and the warehouse keeps what it had.

Line numbers count the header as line 1; they are CSV record numbers, equal to the line in the
file unless a quoted value spans several lines.
"""

from __future__ import annotations

import csv
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from exec_reporting.config import ReportingConfig
from exec_reporting.contract import TABLES, Table
from exec_reporting.sqlfiles import execute, query, read_sql

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
    if table.scope == "portfolio":
        candidates = [(None, data_dir / table.file_name)]
    else:
        candidates = [(e.id, data_dir / e.id / table.file_name) for e in config.entities]
    present, absent = [], []
    for entity_id, path in candidates:
        if path.is_file():
            present.append(SourceFile(table, entity_id, path, path.relative_to(data_dir).as_posix()))
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


def read_header(source: SourceFile) -> tuple[list[str], list[str]]:
    """The file's column names (normalized) and the problems that stop it from being read."""
    path, table = source.path, source.table
    expected = ", ".join(c.name for c in table.columns)
    try:
        with path.open("rb") as handle:
            first_line = handle.readline()
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


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _prepare(conn: duckdb.DuckDBPyConnection, table: Table) -> None:
    execute(conn, "ingest/macros")
    columns_sql = ", ".join(f"{_quote(c.name)} varchar" for c in table.columns)
    conn.execute(
        f"create or replace temp table stage (source_file varchar, entity_id varchar, line bigint, "
        f"_key varchar, {columns_sql})"
    )
    conn.execute(
        "create or replace temp table stage_rejects (source_file varchar, entity_id varchar, "
        "line bigint, csv_line varchar, error_message varchar)"
    )
    conn.execute(
        "create or replace temp table load_files (source_file varchar, entity_id varchar, "
        "sha256 varchar, ignored_columns varchar[])"
    )
    conn.execute(
        "create or replace temp table contract_columns (column_name varchar, position integer, "
        "type varchar, required boolean, choices varchar[], required_when_column varchar, "
        "required_when_values varchar[], expected varchar)"
    )
    conn.executemany(
        "insert into contract_columns values (?, ?, ?, ?, ?, ?, ?, ?)",
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
            )
            for position, c in enumerate(table.columns)
        ],
    )


def _stage_file(
    conn: duckdb.DuckDBPyConnection, source: SourceFile, header: list[str]
) -> list[str]:
    """Append one file's rows to `stage`; return the problems that stop it from loading."""
    table = source.table
    positional = {f"c{i}": "VARCHAR" for i in range(len(header))}
    conn.execute("drop table if exists file_rejects")
    conn.execute("drop table if exists file_rejects_scan")
    try:
        conn.execute(
            "create or replace temp table file_raw as select * from read_csv($path, header = true, "
            "auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = $columns, "
            "store_rejects = true, rejects_table = 'file_rejects', "
            "rejects_scan = 'file_rejects_scan', encoding = 'utf-8')",
            {"path": str(source.path), "columns": positional},
        )
    except duckdb.Error as error:
        return [f"{source.path}: cannot be read as CSV: {error}"]
    bad_encoding = conn.execute(
        "select min(line) from file_rejects where error_type = 'INVALID ENCODING'"
    ).fetchone()[0]
    if bad_encoding is not None:
        return [f"{source.path}: line {bad_encoding}: not UTF-8 text; save the file as UTF-8"]
    # Map each contract column to the file's position for it; absent optional ones stay NULL.
    select = []
    for column in table.columns:
        if column.name in header:
            cell = _quote(f"c{header.index(column.name)}")
            select.append(f"nullif(trim({cell}), '') as {_quote(column.name)}")
        else:
            select.append(f"null as {_quote(column.name)}")
    known = {c.name for c in table.columns}
    ignored = [name for name in header if name and name not in known]
    key = "concat_ws(' | ', " + ", ".join(
        f"nullif(trim({_quote(f'c{header.index(k)}')}), '')" for k in table.key
    ) + ")"
    conn.execute(
        f"insert into stage by name select $source_file as source_file, $entity_id as entity_id, "
        f"line, {key} as _key, {', '.join(select)} from ({read_sql('ingest/stage_lines')})",
        {"source_file": source.name, "entity_id": source.entity_id},
    )
    conn.execute(
        "insert into stage_rejects select $source_file, $entity_id, line, csv_line, error_message "
        f"from ({read_sql('ingest/file_rejects')})",
        {"source_file": source.name, "entity_id": source.entity_id},
    )
    conn.execute(
        "insert into load_files values ($source_file, $entity_id, $sha256, $ignored)",
        {
            "source_file": source.name,
            "entity_id": source.entity_id,
            "sha256": file_sha256(source.path),
            "ignored": ignored,
        },
    )
    return []


def load_table(
    conn: duckdb.DuckDBPyConnection, config: ReportingConfig, table: Table
) -> LoadResult:
    """Load every entity's file of `table` into raw.<table> and quarantine.rows, atomically."""
    present, absent = source_files(config, table)
    problems = [
        f"{path}: missing: every {'entity' if table.scope == 'entity' else 'portfolio'} needs "
        f"{table.file_name} (see docs/data-contract.md)"
        for path in absent
        if table.required
    ]
    execute(conn, "ingest/schema")
    _prepare(conn, table)
    for source in present:
        header, header_problems = read_header(source)
        if header_problems:
            problems.extend(header_problems)
            continue
        file_problems = _stage_file(conn, source, header)
        problems.extend(file_problems)
        if not file_problems:
            log.info("staged %s", source.path)
    if problems:
        raise IngestError(table.name, problems)

    key_columns = ", ".join(table.key)
    conn.execute(f"create or replace temp table cell_problems as {read_sql('ingest/cell_problems')}")
    conn.execute(
        f"create or replace temp table duplicate_keys as {read_sql('ingest/duplicate_keys')}"
    )
    conn.execute(
        f"create or replace temp table load_quarantine as {read_sql('ingest/quarantine')}",
        {"table_name": table.name, "key_columns": key_columns},
    )
    conn.execute("begin transaction")
    try:
        conn.execute(f"create or replace table raw.{table.name} as {read_sql(f'raw/{table.name}')}")
        conn.execute(f"create or replace temp view loaded_rows as select source_file from raw.{table.name}")
        conn.execute("delete from quarantine.rows where table_name = $t", {"t": table.name})
        conn.execute("insert into quarantine.rows by name select * from load_quarantine")
        counts = query(conn, "ingest/file_counts")
        conn.execute("delete from ingest.file_loads where table_name = $t", {"t": table.name})
        conn.execute(
            "insert into ingest.file_loads by name select $t as table_name, * exclude "
            f"(ignored_columns) from ({read_sql('ingest/file_counts')})",
            {"t": table.name},
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    files = [FileLoad(**c) for c in counts]
    missing = [] if table.required else [str(p) for p in absent]
    return LoadResult(table.name, files, missing)


def load_all(conn: duckdb.DuckDBPyConnection, config: ReportingConfig, tables: Iterable[Table] = TABLES) -> list[LoadResult]:
    """Load every table of the contract (a convenience for shells and tests)."""
    return [load_table(conn, config, table) for table in tables]


def latest_ledger_date(config: ReportingConfig):
    """The latest date in any entity's ledger.csv (None when there is none), read from the files."""
    from exec_reporting.contract import table as contract_table

    present, _ = source_files(config, contract_table("ledger"))
    if not present:
        return None
    conn = duckdb.connect()
    try:
        return query(conn, "ingest/latest_ledger_date", paths=[str(s.path) for s in present])[0][
            "latest"
        ]
    except duckdb.Error:
        return None
    finally:
        conn.close()
