"""Xero's Account Transactions report (format `xero_account_transactions`): the lines of the bank
accounts' sections are the ledger, Debit - Credit (or a signed Gross) their amount, the title's
period how far the file covers; balances, totals and other sections are no rows; what cannot be
read is quarantined naming the file, line, column and reason; an overlapping export adds nothing
twice."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest
from conftest import rows

from exec_reporting.config import load_config
from exec_reporting.contract import table
from exec_reporting.ingest import IngestError, load_table

ENTITY = "studio"
SOURCE = {
    "format": "xero_account_transactions",
    "path": "xero/*.csv",
    "bank_accounts": ["Business Bank Account", "Visa"],
}
TITLES = (
    "Account Transactions,,,,,\nStudio Ltd,,,,,\n"
    "For the period 1 March 2026 to 31 March 2026,,,,,\n"
)
HEADER = "Date,Source,Description,Reference,Debit,Credit\n"


def xero_portfolio(portfolio, tmp_path, files: dict[str, str], **source):
    entity = {"id": ENTITY, "name": "Studio", "kind": "holding", "sources": [{**SOURCE, **source}]}
    path = portfolio({}, entities=[entity], first_month="2026-01")
    folder = tmp_path / "data" / ENTITY
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content.encode())
    return path


def load_ledger(config_path):
    conn = duckdb.connect()
    return conn, load_table(conn, load_config(config_path), table("ledger"))


def counts(conn) -> dict[str, tuple]:
    return {
        r["source_file"]: (
            r["rows_read"],
            r["rows_loaded"],
            r["rows_quarantined"],
            r["rows_duplicate"],
        )
        for r in rows(conn, "select * from ingest.file_loads where table_name = 'ledger'")
    }


def test_debit_is_money_in_and_credit_money_out_for_a_bank_and_a_card(portfolio, tmp_path):
    report = (
        TITLES + HEADER + "Business Bank Account,,,,,\n"
        "Opening Balance,,,,,\n"
        '2 Mar 2026,Receive Money,Job,INV-1,"1,000.00",\n'
        "3 Mar 2026,Spend Money,Rent,,,400.00\n"
        "Total Business Bank Account,,,,1000.00,400.00\n"
        "Closing Balance,,,,,\n"
        "Visa,,,,,\n"
        "4 Mar 2026,Spend Money,Fuel,,,45.00\n"
        "20 Mar 2026,Transfer,Card payment,,45.00,\n"
        "Total Visa,,,,45.00,45.00\n"
        "Sales,,,,,\n"
        "2 Mar 2026,Receive Money,Job,INV-1,,1000.00\n"
        "Total Sales,,,,,1000.00\n"
    )
    path = xero_portfolio(portfolio, tmp_path, {"xero/march.csv": report})
    conn, result = load_ledger(path)
    assert rows(conn, "select * from quarantine.rows") == []
    assert [
        (r["line"], r["date"], r["amount"], r["description"])
        for r in rows(conn, "select * from raw.ledger order by line")
    ] == [
        (7, date(2026, 3, 2), Decimal("1000.00"), "Job"),
        (8, date(2026, 3, 3), Decimal("-400.00"), "Rent"),
        (12, date(2026, 3, 4), Decimal("-45.00"), "Fuel"),
        (13, date(2026, 3, 20), Decimal("45.00"), "Card payment"),
    ]
    [load] = result.files
    assert (load.rows_read, load.covers_through) == (4, date(2026, 3, 31))


def test_a_signed_gross_column_is_read_when_there_is_no_debit_and_credit(portfolio, tmp_path):
    report = (
        TITLES + "Date,Source,Description,Gross\n"
        "Business Bank Account,,,\n"
        "2 Mar 2026,Receive Money,Job,250.00\n"
        "3 Mar 2026,Spend Money,Rent,-100.00\n"
    )
    path = xero_portfolio(portfolio, tmp_path, {"xero/march.csv": report})
    conn, _ = load_ledger(path)
    assert [r["amount"] for r in rows(conn, "select amount from raw.ledger order by line")] == [
        Decimal("250.00"),
        Decimal("-100.00"),
    ]


def test_an_overlapping_export_adds_nothing_twice(portfolio, tmp_path):
    body = "2 Mar 2026,Spend Money,Coffee,,,4.50\n2 Mar 2026,Spend Money,Coffee,,,4.50\n"
    first = TITLES + HEADER + "Business Bank Account,,,,,\n" + body
    second = first + "9 Mar 2026,Spend Money,Coffee,,,4.50\n"
    path = xero_portfolio(portfolio, tmp_path, {"xero/a.csv": first, "xero/b.csv": second})
    conn, _ = load_ledger(path)
    assert counts(conn) == {"studio/xero/a.csv": (2, 2, 0, 0), "studio/xero/b.csv": (3, 1, 0, 2)}


def test_what_cannot_be_read_is_quarantined_naming_line_column_and_reason(portfolio, tmp_path):
    report = (
        TITLES + HEADER + "Business Bank Account,,,,,\n"
        "2 Mar 2026,Spend Money,Good,,,1.00\n"
        "02/03/2026,Spend Money,Numeric date,,,1.00\n"
        "3 Mar 2026,Spend Money,Words,,,ten\n"
        "4 Mar 2026,Spend Money,Both,,1.00,2.00\n"
        "5 Mar 2026,Spend Money,Neither,,,\n"
    )
    path = xero_portfolio(portfolio, tmp_path, {"xero/march.csv": report})
    conn, _ = load_ledger(path)
    found = rows(conn, "select line, column_name, value, reason from quarantine.rows order by line")
    assert [(r["line"], r["column_name"], r["value"]) for r in found] == [
        (7, "Date", "02/03/2026"),
        (8, "Credit", "ten"),
        (9, "Debit", "1.00"),
        (10, "Debit", None),
    ]
    assert found[0]["reason"] == (
        "expected a date written as %d %b %Y (such as 31 Jan 2025; date_format in reporting.yaml)"
    )
    assert found[3]["reason"] == "missing value: Debit and Credit are both empty"
    assert counts(conn) == {"studio/xero/march.csv": (5, 1, 4, 0)}


def test_a_report_without_amount_columns_stops_naming_them(portfolio, tmp_path):
    report = TITLES + "Date,Source,Description,Reference\nBusiness Bank Account,,,\n"
    path = xero_portfolio(portfolio, tmp_path, {"xero/march.csv": report})
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    assert error.value.problems == [
        f"{tmp_path / 'data' / ENTITY / 'xero' / 'march.csv'}: the header of Xero's Account "
        "Transactions report has neither Debit and Credit nor Gross: expected the amounts in "
        "Debit and Credit columns (it holds: Date, Source, Description, Reference)"
    ]
