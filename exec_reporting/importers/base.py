"""What every importer shares: the file it reads, what it is given, what it returns, and how it
hands rows to the loader.

An importer turns the files of one source (reporting.yaml `entities[].sources`) into canonical
ledger rows. It writes them into the load's temp tables (sql/ingest/load_tables.sql):
- `imported`: one row per ledger row, in the contract's own writing (ISO date, an amount such as
  -12.50, signed from the bank's view), each with its file, line and a stable txn_id; the
  account_code left empty for the entity's mapping rules to fill;
- `import_rejects`: one row per row read that cannot become a ledger row, with the column as the
  export names it and why: it is quarantined.
Every row it reads goes to exactly one of the two, so that rows read = loaded + quarantined +
duplicate holds for its file. What stops the whole file (not the format it claims, an encoding
it is not in) is returned as a problem naming the file and the line. The loader then maps the
accounts, checks every row against the contract and loads it like a canonical row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from exec_reporting.sqlfiles import execute

if TYPE_CHECKING:
    import duckdb

    from exec_reporting.config import Source
    from exec_reporting.contract import Table


@dataclass(frozen=True)
class SourceFile:
    table: Table
    entity_id: str | None
    path: Path
    # The path as stored in the warehouse: relative to data_dir.
    name: str
    # The entity's source this file belongs to (None: a canonical file of the contract).
    source: Source | None = None
    # What its bytes are in: None (UTF-8), a codec name, or "auto" (exec_reporting.source_text).
    encoding: str | None = None

    @property
    def format(self) -> str:
        return self.source.format if self.source is not None else "canonical"


@dataclass(frozen=True)
class ImportContext:
    # A folder for normalized copies, removed once the load has staged every file.
    scratch: Path
    # reporting.yaml's locale and currency: what `encoding: auto` considers, and the currency
    # every amount must be in.
    locale: str
    currency: str
    # reporting.yaml's timezone: the day of an export's timestamps in UTC (Stripe's) is the
    # portfolio's day.
    timezone: str = "UTC"
    # The portfolio's chart_of_accounts.csv (it may not exist): an export that names the account
    # of a line (QuickBooks' split account) gets the chart's code for it.
    chart: Path | None = None


@dataclass
class Staged:
    """What an importer says about one file besides its rows."""

    # What stops the file from loading, each naming the file (and the line when there is one).
    problems: list[str] = field(default_factory=list)
    # How far the file's data reaches: the last day it covers, when the file says (an OFX
    # statement's end date); None when it does not.
    covers_through: date | None = None
    # Columns of the file that nothing reads.
    ignored_columns: list[str] = field(default_factory=list)
    # What reading it changed or assumed (an encoding, a normalized copy), for the log.
    notes: list[str] = field(default_factory=list)


class Importer(Protocol):
    """One format of reporting.yaml `sources` (exec_reporting.importers.IMPORTERS)."""

    format: str

    def stage(
        self, conn: duckdb.DuckDBPyConnection, file: SourceFile, context: ImportContext
    ) -> Staged:
        """Write the file's rows into `imported` and `import_rejects`; return what else it says."""
        ...


IMPORTED_COLUMNS = (
    "source_file",
    "entity_id",
    "line",
    "part",
    "txn_id",
    "date",
    "account_code",
    "amount",
    "description",
    "counterparty",
)
REJECT_COLUMNS = (
    "source_file",
    "entity_id",
    "line",
    "part",
    "column_name",
    "value",
    "reason",
    "record",
)


def _insert(conn, name: str, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    execute(conn, name, rows=[{column: row.get(column) for column in columns} for row in rows])


def insert_imported(conn, rows: list[dict[str, Any]]) -> None:
    """Append ledger rows made in Python (keys: IMPORTED_COLUMNS; values as text) to `imported`."""
    _insert(conn, "ingest/insert_imported", IMPORTED_COLUMNS, rows)


def insert_rejects(conn, rows: list[dict[str, Any]]) -> None:
    """Append rows that cannot be ledger rows (keys: REJECT_COLUMNS) to `import_rejects`."""
    _insert(conn, "ingest/insert_rejects", REJECT_COLUMNS, rows)
