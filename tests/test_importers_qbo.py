"""QuickBooks Online's Transaction Detail by Account report (format `qbo_transaction_detail`): the
lines of the bank and card accounts' sections are the ledger, their split account gives the
account code through the chart, the title's period says how far the file covers; totals,
titles and other accounts' sections are no rows; what cannot be read is quarantined naming the
file, line, column and reason; an overlapping export adds nothing twice."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest
from conftest import rows

from exec_reporting.config import ConfigError, load_config
from exec_reporting.contract import table
from exec_reporting.ingest import IngestError, load_table

ENTITY = "plumbing"
SOURCE = {
    "format": "qbo_transaction_detail",
    "path": "qbo/*.csv",
    "bank_accounts": ["Checking"],
    "date_format": "%m/%d/%Y",
}
TITLES = 'Plumbing LLC,,,\nTransaction Detail by Account,,,\n"March 1-31, 2026",,,\n,,,\n'
HEADER = ",Date,Transaction Type,Num,Name,Memo/Description,Split,Amount,Balance\n"


def qbo_portfolio(portfolio, tmp_path, files: dict[str, str], **source):
    entity = {
        "id": ENTITY,
        "name": "Plumbing",
        "kind": "holding",
        "sources": [{**SOURCE, **source}],
    }
    path = portfolio({}, entities=[entity], first_month="2026-01")
    folder = tmp_path / "data" / ENTITY
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content.encode())
    return path


def load_ledger(config_path):
    conn = duckdb.connect()
    return conn, load_table(conn, load_config(config_path), table("ledger"))


def ledger(conn) -> list[tuple]:
    return [
        (r["line"], r["date"], r["account_code"], r["amount"], r["description"])
        for r in rows(
            conn,
            "select line, date, account_code, amount, description from raw.ledger "
            "order by source_file, line",
        )
    ]


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


def test_only_the_bank_sections_lines_are_rows_with_the_split_accounts_code(portfolio, tmp_path):
    report = (
        TITLES + HEADER + "Checking,,,,,,,,\n"
        ',03/02/2026,Deposit,,Acme,Job,4000 Sales,"1,200.00","1,200.00"\n'
        ",03/03/2026,Expense,,Landlord,March rent,Rent,(800.00),400.00\n"
        # a sub-section inside the bank's section, then the bank's own lines again
        "Petty cash,,,,,,,,\n"
        ",03/04/2026,Expense,,Shop,Coffee,Fuel,-5.00,-5.00\n"
        "Total for Petty cash,,,,,,,-5.00,\n"
        ",03/05/2026,Expense,,Unknown,Mystery,Mystery account,-7.00,393.00\n"
        "Total for Checking,,,,,,,$393.00,\n"
        "Rent,,,,,,,,\n"
        ",03/03/2026,Expense,,Landlord,March rent,Checking,800.00,800.00\n"
        "Total for Rent,,,,,,,$800.00,\n"
        "TOTAL,,,,,,,$1193.00,\n"
    )
    path = qbo_portfolio(portfolio, tmp_path, {"qbo/march.csv": report})
    conn, result = load_ledger(path)
    assert rows(conn, "select * from quarantine.rows") == []
    assert ledger(conn) == [
        (7, date(2026, 3, 2), "4000", Decimal("1200.00"), "Job"),
        (8, date(2026, 3, 3), "6000", Decimal("-800.00"), "March rent"),
        # no rule matches a split account the chart does not name: uncategorized
        (12, date(2026, 3, 5), "6999", Decimal("-7.00"), "Mystery"),
    ]
    [load] = result.files
    assert (load.rows_read, load.covers_through) == (3, date(2026, 3, 31))


def test_a_cards_amounts_are_negated(portfolio, tmp_path):
    report = (
        TITLES + HEADER + "Visa,,,,,,,,\n"
        ",03/02/2026,Expense,,Shell,Fuel,Fuel,45.00,45.00\n"
        ",03/20/2026,Credit Card Payment,,,Payment,Checking,-45.00,0.00\n"
        "Total for Visa,,,,,,,$0.00,\n"
    )
    path = qbo_portfolio(
        portfolio, tmp_path, {"qbo/march.csv": report}, bank_accounts=[], card_accounts=["visa"]
    )
    conn, _ = load_ledger(path)
    # the purchase, written 45.00, is money out; the payment from checking money in (the
    # default chart has no "Checking" account: uncategorized until a rule gives it one)
    assert [(r[2], r[3]) for r in ledger(conn)] == [
        ("5000", Decimal("-45.00")),
        ("6999", Decimal("45.00")),
    ]


def test_an_overlapping_export_adds_nothing_twice_and_identical_lines_stay_two(portfolio, tmp_path):
    lines = (
        ",03/02/2026,Expense,,City,Permit,Rent,-45.00,\n"
        ",03/02/2026,Expense,,City,Permit,Rent,-45.00,\n"
    )
    first = TITLES + HEADER + "Checking,,,,,,,,\n" + lines + "Total for Checking,,,,,,,,\n"
    second = (
        TITLES.replace("March 1-31", "March 1 - April 30")
        + HEADER
        + "Checking,,,,,,,,\n"
        + lines
        + ",04/02/2026,Expense,,City,Permit,Rent,-45.00,\n"
        + "Total for Checking,,,,,,,,\n"
    )
    path = qbo_portfolio(portfolio, tmp_path, {"qbo/a.csv": first, "qbo/b.csv": second})
    conn, result = load_ledger(path)
    assert counts(conn) == {
        "plumbing/qbo/a.csv": (2, 2, 0, 0),
        "plumbing/qbo/b.csv": (3, 1, 0, 2),
    }
    assert {f.source_file: f.covers_through for f in result.files} == {
        "plumbing/qbo/a.csv": date(2026, 3, 31),
        "plumbing/qbo/b.csv": date(2026, 4, 30),
    }


def test_what_cannot_be_read_is_quarantined_naming_line_column_and_reason(portfolio, tmp_path):
    report = (
        TITLES + HEADER + "Checking,,,,,,,,\n"
        ",03/02/2026,Deposit,,Acme,Good,4000 Sales,100.00,\n"
        ",31/03/2026,Deposit,,Acme,Day first,4000 Sales,100.00,\n"
        ",03/04/2026,Deposit,,Acme,Words,4000 Sales,ten,\n"
        ",03/05/2026,Deposit,,Acme,Empty,4000 Sales,,\n"
        ",,Deposit,,Acme,No date,4000 Sales,5.00,\n"
        ",03/06/2026,Deposit,,Acme,Too many,4000 Sales,5.00,,extra\n"
        "Total for Checking,,,,,,,,\n"
    )
    path = qbo_portfolio(portfolio, tmp_path, {"qbo/march.csv": report})
    conn, _ = load_ledger(path)
    found = rows(
        conn,
        "select source_file, line, column_name, value, reason from quarantine.rows order by line",
    )
    file = "plumbing/qbo/march.csv"
    assert [(r["source_file"], r["line"], r["column_name"], r["value"]) for r in found] == [
        (file, 8, "Date", "31/03/2026"),
        (file, 9, "Amount", "ten"),
        (file, 10, "Amount", None),
        (file, 11, "Date", None),
        (file, 12, None, ",03/06/2026,Deposit,,Acme,Too many,4000 Sales,5.00,,extra"),
    ]
    assert found[0]["reason"] == (
        "expected a date written as %m/%d/%Y (such as 01/31/2025; date_format in reporting.yaml)"
    )
    assert found[1]["reason"] == (
        "expected an amount with the decimal mark '.' and at most 2 decimals, such as 1,234.56, "
        "-12.00 or (12.00)"
    )
    assert found[4]["reason"].startswith("malformed row")
    assert counts(conn) == {file: (6, 1, 5, 0)}


def test_a_report_without_the_named_accounts_stops_naming_its_sections(portfolio, tmp_path):
    report = TITLES + HEADER + "Savings,,,,,,,,\n,03/02/2026,Deposit,,A,B,Sales,1.00,\n"
    path = qbo_portfolio(portfolio, tmp_path, {"qbo/march.csv": report})
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    assert error.value.problems == [
        f"{tmp_path / 'data' / ENTITY / 'qbo' / 'march.csv'}: no section of the account(s) "
        "Checking (bank_accounts, card_accounts in reporting.yaml); the report's sections are: "
        "Savings"
    ]


def test_missing_columns_stop_the_file_naming_them(portfolio, tmp_path):
    report = TITLES + ",Date,Transaction Type,Num,Name,Memo/Description,Split,Balance\n"
    path = qbo_portfolio(portfolio, tmp_path, {"qbo/march.csv": report})
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    assert error.value.problems == [
        f"{tmp_path / 'data' / ENTITY / 'qbo' / 'march.csv'}: line 5: the header of QuickBooks "
        "Online's Transaction Detail by Account report lacks the column(s) Amount (expected "
        "date: Date or Transaction date; amount: Amount)"
    ]


def test_a_source_names_its_accounts_and_date_format(portfolio, tmp_path):
    path = qbo_portfolio(portfolio, tmp_path, {}, bank_accounts=[])
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "bank_accounts: name the bank (and card) accounts" in str(error.value)
    source = {k: v for k, v in SOURCE.items() if k != "date_format"}
    entity = {"id": ENTITY, "name": "P", "kind": "holding", "sources": [source]}
    with pytest.raises(ConfigError) as error:
        load_config(portfolio({}, entities=[entity]))
    assert "date_format" in str(error.value)
