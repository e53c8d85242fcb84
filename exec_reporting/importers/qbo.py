"""QuickBooks Online's "Transaction Detail by Account" report, exported as CSV (Reports,
Transaction Detail by Account, Export to CSV).

The report lists each account's transactions in a section of its own: a row naming the account
("Checking", "4000 Sales"), its lines, a "Total for <account>" row; a "TOTAL" row ends it. Title
rows come before the header: the company, the report's name and its period ("January 1 -
October 31, 2026"), whose last day is how far the file covers. The project's ledger is the
bank's (docs/data-contract.md), so the lines of the sections of the bank and card accounts the
source names are the ledger rows; the other sections repeat the same transactions from their
other side. Each line's account code is its split account's, through the chart of accounts; a
"-Split-" line, or an account the chart does not name, goes to the mapping rules
(sql/ingest/qbo_transaction_detail.sql; docs/decisions.md #28).
"""

from __future__ import annotations

import duckdb

from exec_reporting.config import QboTransactionDetailSource
from exec_reporting.importers.base import ImportContext, SourceFile, Staged
from exec_reporting.importers.export_csv import (
    ExportLayout,
    cell_name,
    period_end,
    read_export,
    report_sections,
)
from exec_reporting.sqlfiles import execute

LAYOUT = ExportLayout(
    what="QuickBooks Online's Transaction Detail by Account report",
    names={
        "date": ("Date", "Transaction date"),
        "type": ("Transaction Type",),
        "num": ("Num", "No."),
        "name": ("Name",),
        "memo": ("Memo/Description", "Memo", "Description"),
        "split": ("Split", "Split account"),
        "amount": ("Amount",),
        "balance": ("Balance",),
    },
    required=("date", "amount"),
    report=True,
    first_column="label",
)
# Rows that are no transactions: totals (QuickBooks' "Total for Checking", "TOTAL") and the
# footer it writes under the report ("Accrual Basis Monday, November 2, 2026 09:15 AM").
TOTALS = r"^\s*(total(\s+for\b.*)?|(accrual|cash)\s+basis\b.*)\s*$"


class QboTransactionDetailImporter:
    format = "qbo_transaction_detail"

    def stage(self, conn, file: SourceFile, context: ImportContext) -> Staged:
        source = file.source
        assert isinstance(source, QboTransactionDetailSource), source
        read = read_export(conn, file, context.locale, context.scratch, LAYOUT)
        if isinstance(read, str):
            return Staged(problems=[read])
        execute(conn, "ingest/qbo_lines")
        bank = [cell_name(name) for name in source.bank_accounts]
        card = [cell_name(name) for name in source.card_accounts]
        sections = report_sections(conn, TOTALS)
        named = set(bank) | set(card)
        if sections and not named & set(sections):
            return Staged(
                problems=[
                    f"{file.path}: no section of the account(s) "
                    f"{', '.join(source.bank_accounts + source.card_accounts)} (bank_accounts, "
                    "card_accounts in reporting.yaml); the report's sections are: "
                    + ", ".join(sections.values())
                ]
            )
        _chart_names(conn, context)
        execute(
            conn,
            "ingest/qbo_transaction_detail",
            source_file=file.name,
            entity_id=file.entity_id,
            scope=f"{file.entity_id}/{source.path}",
            bank_accounts=bank,
            card_accounts=card,
            date_format=source.date_format,
            decimal_mark=source.decimal,
            **{f"{role}_column": read.columns.get(role) for role in LAYOUT.names},
        )
        other = conn.execute(
            "select count(*) from report_sections where kind = 'transaction' "
            "and not list_contains($named::varchar[], coalesce(section_key, ''))",
            {"named": sorted(named)},
        ).fetchall()[0][0]
        notes = list(read.readable.changes)
        if other:
            notes.append(f"{other} line(s) of other accounts' sections: the other side of entries")
        covers = period_end(read.titles)
        if covers is None:
            notes.append("no report period in the title rows: coverage not known")
        return Staged(covers_through=covers, ignored_columns=read.ignored_columns, notes=notes)


def _chart_names(conn, context: ImportContext) -> None:
    """The chart's codes and names in `chart_names` (empty without a readable chart)."""
    if context.chart is not None and context.chart.is_file():
        try:
            execute(conn, "ingest/chart_names", path=str(context.chart))
            return
        except duckdb.Error:
            pass
    conn.execute("create or replace temp table chart_names (code varchar, name_key varchar)")
