"""What the importers of tools' CSV exports share (Stripe's balance transactions, QuickBooks
Online's and Xero's reports): finding the header among the title rows by the column names the
tool writes, and reading the rows below it into `file_rows` with each column under its role's
name and each row at its line in the file.

Unlike a bank CSV, these exports name their own columns, so the importer knows them: each role
(date, amount, ...) has the names the tool has used for it over its versions, and the header is
the first of the first lines that holds a name of every required role.
"""

from __future__ import annotations

import calendar
import csv
import re
from dataclasses import dataclass, field
from datetime import date

import duckdb

from exec_reporting.importers.base import SourceFile
from exec_reporting.source_text import AUTO, NotText, ReadableFile, readable_file
from exec_reporting.sqlfiles import execute

# How far down a header is looked for: a report's title rows are a handful.
HEADER_SEARCH_LINES = 30


def cell_name(cell: str) -> str:
    return " ".join(cell.strip().lower().split())


@dataclass(frozen=True)
class ExportLayout:
    """The columns of one tool's export: for each role, the names the tool writes for it."""

    # what the export is, in the words of its tool (for messages)
    what: str
    names: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    # Rows of a report may hold fewer cells than the header (a section's name alone); a plain
    # export's row with fewer cells is malformed.
    report: bool = False
    # the role of the header's first column when the header leaves it empty (QuickBooks: the
    # column of the sections' names)
    first_column: str | None = None


@dataclass
class ExportRows:
    """What reading an export gave, besides its rows in `file_rows`."""

    readable: ReadableFile
    # the lines above the header, their cells joined by spaces (a report's title rows)
    titles: list[str] = field(default_factory=list)
    # the header's cell named for each role found: role -> the name as the file writes it
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)


def read_export(
    conn: duckdb.DuckDBPyConnection, file: SourceFile, locale: str, scratch, layout: ExportLayout
) -> ExportRows | str:
    """Read the file's rows below its header into `file_rows` (one text column per role found,
    cells trimmed, empty as NULL; `line` the line in the file) and the records that do not split
    into fields into `stage_rejects`; or the problem that stops the file, naming it."""
    try:
        readable = readable_file(file.path, scratch, file.encoding or AUTO, locale)
    except NotText as error:
        return f"{file.path}: {error}"
    except OSError as error:
        return f"{file.path}: cannot be read ({error.strerror})"
    found = _header(file, readable, layout)
    if isinstance(found, str):
        return found
    copy_line, cells, titles = found
    known = {cell_name(name): role for role, names in layout.names.items() for name in names}
    columns: dict[str, str] = {}
    named: dict[str, str] = {}
    ignored = []
    for position, cell in enumerate(cells):
        role = known.get(cell_name(cell))
        if role is None and position == 0 and not cell.strip() and layout.first_column:
            role = layout.first_column
        if role is None or role in named:
            columns[f"_ignored_{position}"] = "VARCHAR"
            if cell.strip():
                ignored.append(cell.strip())
            continue
        columns[role] = "VARCHAR"
        named[role] = cell.strip()
    skip = copy_line - 1
    try:
        execute(
            conn,
            "ingest/read_report" if layout.report else "ingest/read_file",
            path=str(readable.path),
            columns=columns,
            skip=skip,
            delimiter=",",
        )
    except duckdb.Error as error:
        return f"{file.path}: cannot be read as CSV: {error}"
    bad_encoding = conn.execute(
        "select min(line) from file_rejects where error_type = 'INVALID ENCODING'"
    ).fetchall()[0][0]
    if bad_encoding is not None:
        line = readable.original_line(bad_encoding)
        return f"{file.path}: line {line}: not {readable.encoding} text"
    execute(conn, "ingest/line_shifts", blank_lines=list(readable.blank_lines))
    execute(conn, "ingest/file_rows", skip=skip)
    execute(
        conn,
        "ingest/stage_rejects",
        source_file=file.name,
        entity_id=file.entity_id,
        footer_lines=[],
    )
    return ExportRows(readable, titles, named, ignored)


def _header(
    file: SourceFile, readable: ReadableFile, layout: ExportLayout
) -> tuple[int, list[str], list[str]] | str:
    """The header's line in what DuckDB reads, its cells and the title lines above it."""
    wanted = {role: {cell_name(n) for n in layout.names[role]} for role in layout.required}
    titles: list[str] = []
    # the line that came nearest to a header: (roles missing, their list, its line)
    closest: tuple[int, list[str], int] | None = None
    with readable.path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        start = 1
        try:
            for lines_seen, cells in enumerate(reader, start=1):
                names = {cell_name(cell) for cell in cells}
                missing = [role for role, options in wanted.items() if not options & names]
                if not missing:
                    return start, cells, titles
                if len(missing) < len(wanted) and (closest is None or len(missing) < closest[0]):
                    closest = (len(missing), missing, readable.original_line(start))
                text = " ".join(cell.strip() for cell in cells if cell.strip())
                if text:
                    titles.append(text)
                if lines_seen >= HEADER_SEARCH_LINES:
                    break
                start = reader.line_num + 1
        except csv.Error as error:
            return f"{file.path}: line {readable.original_line(start)}: not CSV ({error})"
    expected = "; ".join(f"{role}: {' or '.join(layout.names[role])}" for role in layout.required)
    if closest is not None:
        missing_names = ", ".join(" or ".join(layout.names[r]) for r in closest[1])
        return (
            f"{file.path}: line {closest[2]}: the header of {layout.what} lacks the column(s) "
            f"{missing_names} (expected {expected})"
        )
    return (
        f"{file.path}: not {layout.what}: no header with its columns ({expected}) in its first "
        f"{HEADER_SEARCH_LINES} lines"
    )


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# The ways a report's title writes the day its period ends: "October 31, 2026" (QuickBooks, US),
# "31 October 2026" (Xero; QuickBooks elsewhere), "October 1-31, 2026", and a whole month,
# "January - October, 2026" or "October 2026" (its last day).
_PERIOD_DAYS = (
    re.compile(
        r"(?P<month>[A-Za-z]+)\.?\s+(?:\d{1,2}\s*[-–]\s*)?(?P<day>\d{1,2}),?\s+(?P<year>\d{4})"
    ),
    re.compile(r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\.?,?\s+(?P<year>\d{4})"),
    re.compile(r"(?P<month>[A-Za-z]+)\.?,?\s+(?P<year>\d{4})"),
)


def period_end(titles: list[str]) -> date | None:
    """The last day of the report period a report's title rows state ("January 1 - October 31,
    2026", "For the period 1 January 2026 to 31 October 2026"): the latest-written date of the
    first title row that states one. None when none does."""
    for title in titles:
        found: list[tuple[int, date]] = []
        for pattern in _PERIOD_DAYS:
            for match in pattern.finditer(title):
                month = _MONTHS.get(match.group("month").lower())
                if month is None:
                    continue
                year = int(match.group("year"))
                day = (
                    int(match.group("day"))
                    if "day" in pattern.groupindex
                    else calendar.monthrange(year, month)[1]
                )
                try:
                    found.append((match.end(), date(year, month, day)))
                except ValueError:
                    continue
        if found:
            # the date written last; of two ending at one place, the one that names its day
            return max(found, key=lambda end_day: end_day[0])[1]
    return None


def report_sections(conn: duckdb.DuckDBPyConnection, total_pattern: str) -> dict[str, str]:
    """Sort the rows of a report (`report_lines`) into sections, totals and transactions
    (`report_sections`, sql/ingest/report_sections.sql); return the sections' names by their
    key (lower case, spaces collapsed), in the order of the report."""
    execute(conn, "ingest/report_sections", total_pattern=total_pattern)
    found = conn.execute(
        "select label from report_kinds where kind = 'section' order by line"
    ).fetchall()
    return {cell_name(label): label.strip() for (label,) in found}
