"""Xero's "Account Transactions" report, exported and saved as CSV (Accounting, Reports, Account
Transactions, the bank and card accounts, Export).

Like QuickBooks' report (exec_reporting.importers.qbo), it lists each account's transactions in a
section: a row naming the account, an "Opening Balance" row, its lines, "Total <account>" and
"Closing Balance". Title rows come first: "Account Transactions", the organisation and "For the
period 1 January 2026 to 31 October 2026", whose last day is how far the file covers. The lines of
the sections of the bank and card accounts the source names are the ledger rows; Debit and
Credit are the account's own, so the signed amount is Debit - Credit (a report with a signed
Gross column instead gives it as it is). The report names no counter account: the mapping rules
give the account codes (sql/ingest/xero_account_transactions.sql; docs/decisions.md #29).
"""

from __future__ import annotations

from exec_reporting.config import XeroAccountTransactionsSource
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
    what="Xero's Account Transactions report",
    names={
        "date": ("Date",),
        "source": ("Source",),
        "contact": ("Contact",),
        "description": ("Description",),
        "reference": ("Reference",),
        "debit": ("Debit",),
        "credit": ("Credit",),
        "gross": ("Gross",),
        "balance": ("Running Balance", "Balance"),
    },
    required=("date",),
    report=True,
)
# Rows that are no transactions: totals and the balances Xero writes around each section.
TOTALS = r"^\s*(total\b.*|opening balance|closing balance)\s*$"


class XeroAccountTransactionsImporter:
    format = "xero_account_transactions"

    def stage(self, conn, file: SourceFile, context: ImportContext) -> Staged:
        source = file.source
        assert isinstance(source, XeroAccountTransactionsSource), source
        read = read_export(conn, file, context.locale, context.scratch, LAYOUT)
        if isinstance(read, str):
            return Staged(problems=[read])
        debit_credit = "debit" in read.columns and "credit" in read.columns
        if not debit_credit and "gross" not in read.columns:
            return Staged(
                problems=[
                    f"{file.path}: the header of {LAYOUT.what} has neither Debit and Credit nor "
                    f"Gross: expected the amounts in Debit and Credit columns (it holds: "
                    f"{', '.join(read.columns.values())})"
                ]
            )
        execute(conn, "ingest/xero_lines")
        bank = [cell_name(name) for name in source.bank_accounts]
        sections = report_sections(conn, TOTALS)
        if sections and not set(bank) & set(sections):
            return Staged(
                problems=[
                    f"{file.path}: no section of the account(s) "
                    f"{', '.join(source.bank_accounts)} (bank_accounts in reporting.yaml); the "
                    "report's sections are: " + ", ".join(sections.values())
                ]
            )
        execute(
            conn,
            "ingest/xero_account_transactions",
            source_file=file.name,
            entity_id=file.entity_id,
            scope=f"{file.entity_id}/{source.path}",
            bank_accounts=bank,
            date_format=source.date_format,
            decimal_mark=source.decimal,
            debit_credit=debit_credit,
            **{f"{role}_column": read.columns.get(role) for role in LAYOUT.names},
        )
        notes = list(read.readable.changes)
        covers = period_end(read.titles)
        if covers is None:
            notes.append("no report period in the title rows: coverage not known")
        return Staged(covers_through=covers, ignored_columns=read.ignored_columns, notes=notes)
