"""Any bank's or card's CSV export, through the source's mapping in reporting.yaml: which column
holds the date (and how it is written), the amount (or debit and credit), the description, the
counterparty and the bank's own id; the decimal mark; how money out is signed. Nothing about the
file is guessed but its encoding (`encoding: auto`, the default: a byte-order mark, UTF-8, or
the locale's spreadsheet code page; exec_reporting.source_text).

The header is the line after `skip_rows` title lines, or else the first line that holds every
mapped column name; title lines are no rows. The last `skip_footer` records are totals, no rows
either (each must hold no date). DuckDB reads the rest (sql/ingest/read_file.sql) and turns it
into ledger rows (sql/ingest/bank_csv.sql); a row whose date or amount cannot be read is
quarantined naming the column as the export names it.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime

import duckdb

from exec_reporting.config import BankCsvSource
from exec_reporting.importers.base import ImportContext, SourceFile, Staged
from exec_reporting.importers.export_csv import period_end
from exec_reporting.source_text import AUTO, NotText, ReadableFile, readable_file
from exec_reporting.sqlfiles import execute, query

# How far down a header is looked for when skip_rows is not given.
HEADER_SEARCH_LINES = 100


def _name(cell: str) -> str:
    return cell.strip().lower()


class BankCsvImporter:
    format = "bank_csv"

    def stage(self, conn, file: SourceFile, context: ImportContext) -> Staged:
        source = _mapping(file)
        try:
            readable = readable_file(
                file.path, context.scratch, file.encoding or AUTO, context.locale
            )
        except NotText as error:
            return Staged(problems=[f"{file.path}: {error}"])
        except OSError as error:
            return Staged(problems=[f"{file.path}: cannot be read ({error.strerror})"])
        found = self._header(file, readable)
        if isinstance(found, str):
            return Staged(problems=[found])
        header_copy_line, cells = found
        roles = {_name(name): role for role, name in source.columns.named().items()}
        columns = {
            roles.get(_name(cell), f"_ignored_{position}"): "VARCHAR"
            for position, cell in enumerate(cells)
        }
        ignored = [cell.strip() for cell in cells if cell.strip() and _name(cell) not in roles]
        skip = header_copy_line - 1
        try:
            execute(
                conn,
                "ingest/read_file",
                path=str(readable.path),
                columns=columns,
                skip=skip,
                delimiter=source.delimiter,
            )
        except duckdb.Error as error:
            return Staged(problems=[f"{file.path}: cannot be read as CSV: {error}"])
        bad_encoding = conn.execute(
            "select min(line) from file_rejects where error_type = 'INVALID ENCODING'"
        ).fetchall()[0][0]
        if bad_encoding is not None:
            line = readable.original_line(bad_encoding)
            return Staged(problems=[f"{file.path}: line {line}: not {readable.encoding} text"])
        execute(conn, "ingest/line_shifts", blank_lines=list(readable.blank_lines))
        execute(conn, "ingest/file_rows", skip=skip)
        footer = self._footer(conn, file)
        if isinstance(footer, str):
            return Staged(problems=[footer])
        where = {"source_file": file.name, "entity_id": file.entity_id}
        execute(conn, "ingest/stage_rejects", **where, footer_lines=footer)
        mapped = source.columns
        execute(
            conn,
            "ingest/bank_csv",
            **where,
            footer_lines=footer,
            scope=f"{file.entity_id}/{source.path}",
            date_format=source.date_format,
            decimal_mark=source.decimal,
            negate=source.sign == "expenses_positive",
            debit_credit=mapped.amount is None,
            date_column=mapped.date,
            amount_column=mapped.amount,
            debit_column=mapped.debit,
            credit_column=mapped.credit,
            id_column=mapped.id,
        )
        return Staged(
            covers_through=_title_date(readable, header_copy_line, source.date_format),
            ignored_columns=ignored,
            notes=list(readable.changes),
        )

    def _header(self, file: SourceFile, readable: ReadableFile) -> tuple[int, list[str]] | str:
        """The header's line in what DuckDB reads (the file or its copy) and its cells, or the
        problem that stops the file."""
        source = _mapping(file)
        wanted = list(source.columns.named().values())
        limit = source.skip_rows + 1 if source.skip_rows is not None else HEADER_SEARCH_LINES
        seen = 0
        with readable.path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            reader = csv.reader(handle, delimiter=source.delimiter)
            start = 1
            try:
                for cells in reader:
                    line = readable.original_line(start)
                    seen += 1
                    if source.skip_rows is not None and line > source.skip_rows + 1:
                        break
                    names = [_name(cell) for cell in cells]
                    missing = [name for name in wanted if _name(name) not in names]
                    if source.skip_rows is not None and line == source.skip_rows + 1:
                        if missing:
                            return (
                                f"{file.path}: line {line}: expected the header (skip_rows: "
                                f"{source.skip_rows}) with the column(s) {', '.join(missing)} "
                                f"of the mapping in reporting.yaml; the line holds: "
                                f"{', '.join(cell.strip() for cell in cells) or 'nothing'}"
                            )
                        return self._checked(file, line, start, cells)
                    if source.skip_rows is None and not missing:
                        return self._checked(file, line, start, cells)
                    if line >= limit:
                        break
                    start = reader.line_num + 1
            except csv.Error as error:
                return f"{file.path}: line {readable.original_line(start)}: not CSV ({error})"
        if seen == 0:
            return f"{file.path}: empty file: expected a header with {', '.join(wanted)}"
        if source.skip_rows is not None:
            return (
                f"{file.path}: line {source.skip_rows + 1}: no header there (skip_rows: "
                f"{source.skip_rows}; the file has fewer lines)"
            )
        return (
            f"{file.path}: no header with the column(s) {', '.join(wanted)} (columns of the "
            f"mapping in reporting.yaml) in its first {HEADER_SEARCH_LINES} lines; check the "
            "names, the delimiter, or set skip_rows"
        )

    def _checked(self, file: SourceFile, line: int, copy_line: int, cells: list[str]):
        wanted = {_name(name) for name in _mapping(file).columns.named().values()}
        names = [_name(cell) for cell in cells]
        repeated = sorted({n for n in names if n in wanted and names.count(n) > 1})
        if repeated:
            return (
                f"{file.path}: line {line}: column(s) {', '.join(repeated)} appear more than once: "
                "the mapping cannot tell which one is meant"
            )
        return copy_line, cells

    def _footer(self, conn, file: SourceFile) -> list[int] | str:
        """The lines of the total rows at the end, or the problem when one holds a date."""
        source = _mapping(file)
        if not source.skip_footer:
            return []
        records = query(
            conn,
            "ingest/bank_csv_footer",
            skip_footer=source.skip_footer,
            date_format=source.date_format,
        )
        dated = [r for r in records if r["dated"]]
        if dated:
            first = min(dated, key=lambda r: r["line"])
            return (
                f"{file.path}: line {first['line']}: skip_footer: {source.skip_footer} leaves out "
                f"a row dated {first['date']} ({source.columns.date}): expected total rows, "
                "without a date; lower skip_footer"
            )
        return [r["line"] for r in records]


def _mapping(file: SourceFile) -> BankCsvSource:
    """The bank_csv source a file was matched by (this reader is only given those)."""
    assert isinstance(file.source, BankCsvSource), file.source
    return file.source


# a date written with digits, as the mapping's date_format writes one (09/01/2026, 2026-10-31)
_DIGIT_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


def _title_date(readable: ReadableFile, header_line: int, date_format: str) -> date | None:
    """The latest date the title rows above the header state ("Statement period: 09/01/2026 -
    10/31/2026", "Statement as of October 31, 2026"), read with the mapping's date_format (or
    written with the month's name): how far the export says it covers. None without one."""
    if header_line <= 1:
        return None
    with readable.path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        titles = [next(handle, "") for _ in range(header_line - 1)]
    found: list[date] = []
    for title in titles:
        for token in _DIGIT_DATE.findall(title):
            try:
                found.append(datetime.strptime(token, date_format).date())
            except ValueError:
                continue
    if found:
        return max(found)
    return period_end([t for t in titles if t.strip()])
