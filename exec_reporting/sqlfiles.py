"""Read the SQL files under sql/ and run them: every transformation lives there, not in Python.

A file is named by its path under sql/ without the extension, e.g. "metrics/burn". Values go in
as named parameters ($month, $entity_id), never by string formatting.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

# sql/ at the top of a checkout (an editable install); exec_reporting/sql/ in an installed wheel
_CHECKOUT_SQL = Path(__file__).resolve().parent.parent / "sql"
SQL_DIR = _CHECKOUT_SQL if _CHECKOUT_SQL.is_dir() else Path(__file__).resolve().parent / "sql"

# The schemas the project writes; a query names their tables as schema.table.
SCHEMAS = ("raw", "config", "metrics", "quarantine", "ingest", "delivery")
_TABLE_REFERENCE = re.compile(rf"\b({'|'.join(SCHEMAS)})\.([a-z_][a-z0-9_]*)\b")
# The names of the SQL files run while `recording()` is on (None: not recording).
_ran: ContextVar[set[str] | None] = ContextVar("sql_files_ran", default=None)


@cache
def _text(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path}")
    return path.read_text(encoding="utf-8")


def read_sql(name: str) -> str:
    ran = _ran.get()
    if ran is not None:
        ran.add(name)
    return _text(name)


@contextmanager
def recording() -> Iterator[set[str]]:
    """The names of the SQL files run in the block (how a test checks that what a report
    declares it reads covers what it runs)."""
    ran: set[str] = set()
    token = _ran.set(ran)
    try:
        yield ran
    finally:
        _ran.reset(token)


def strip_comments(sql: str) -> str:
    """The SQL without comments and with empty string literals (they name no table)."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"'(?:[^']|'')*'", "''", sql)


def tables_named(sql: str, schemas: tuple[str, ...] = SCHEMAS) -> set[str]:
    """The tables of the given schemas a query names ("raw.ledger", ...)."""
    return {
        f"{schema}.{table}"
        for schema, table in _TABLE_REFERENCE.findall(strip_comments(sql))
        if schema in schemas
    }


def tables_read(names: Iterable[str]) -> tuple[str, ...]:
    """The tables the SQL files `names` read, sorted."""
    return tuple(sorted(set().union(*(tables_named(_text(name)) for name in names))))


PACKAGE_DIR = Path(__file__).resolve().parent


def code_version(*patterns: str) -> str:
    """A fingerprint of the project files matching these globs ("sql/ingest/*.sql",
    "exec_reporting/ingest.py"), relative to the project's root: an asset's code_version."""
    root = PACKAGE_DIR.parent
    return files_version(p for pattern in patterns for p in root.glob(pattern) if p.is_file())


def files_version(paths: Iterable[Path]) -> str:
    """A fingerprint of files' contents (and names): a code version."""
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def sql_path(name: str) -> Path:
    return SQL_DIR / f"{name}.sql"


def _bind(sql: str, params: dict[str, Any] | None) -> dict[str, Any] | None:
    # DuckDB refuses parameters a statement does not use, so pass only the ones it names.
    if not params:
        return None
    code = re.sub(r"--[^\n]*", "", sql)  # a parameter named in a comment is not used
    used = {
        key: value for key, value in params.items() if re.search(rf"\${re.escape(key)}\b", code)
    }
    return used or None


def query(conn, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run sql/<name>.sql and return its rows as dicts."""
    sql = read_sql(name)
    cursor = conn.execute(sql, _bind(sql, params))
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def execute(conn, name: str, **params: Any) -> None:
    """Run sql/<name>.sql for its effect (it may hold several statements, each given the
    parameters it names)."""
    sql = read_sql(name)
    if not _bind(sql, params):
        conn.execute(sql)
        return
    for statement in conn.extract_statements(sql):
        names = statement.named_parameters
        conn.execute(statement, {k: v for k, v in params.items() if k in names} or None)


_IDENTIFIER = re.compile(r"^([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$")


def create_table_as(conn, table: str, name: str, *, temp: bool = False, **params: Any) -> None:
    """Replace `table` ("schema.name", or a temp table's name) with the SELECT of sql/<name>.sql."""
    # Table names come from this project's code, never from input; check them all the same.
    if not _IDENTIFIER.match(table):
        raise ValueError(f"not a table name: {table!r}")
    schema, _, _ = table.rpartition(".")
    if schema:
        conn.execute(f"create schema if not exists {schema}")
    sql = read_sql(name)
    kind = "temp table" if temp else "table"
    conn.execute(f"create or replace {kind} {table} as\n{sql}", _bind(sql, params))


def insert_into(conn, table: str, name: str, **params: Any) -> None:
    """Append the rows of the SELECT in sql/<name>.sql to `table` (matched by column name)."""
    if not _IDENTIFIER.match(table):
        raise ValueError(f"not a table name: {table!r}")
    sql = read_sql(name)
    conn.execute(f"insert into {table} by name\n{sql}", _bind(sql, params))


def execute_on_table(conn, name: str, raw_table: str, **params: Any) -> None:
    """Run sql/<name>.sql, whose {raw_table} names the table it acts on (DuckDB takes no
    parameter for a table to delete from); the name is checked to be an identifier."""
    if not _IDENTIFIER.match(raw_table):
        raise ValueError(f"not a table name: {raw_table!r}")
    sql = read_sql(name).replace("{raw_table}", raw_table)
    conn.execute(sql, _bind(sql, params))


def header_comment(name: str) -> str:
    """The comment lines that open sql/<name>.sql, as one sentence: what the file is for."""
    lines = []
    for line in read_sql(name).strip().splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(line for line in lines if line)
