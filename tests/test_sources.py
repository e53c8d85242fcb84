"""An entity's `sources` in reporting.yaml: validated with errors that say where; the canonical
files take a declared encoding instead of being refused; a format whose importer is planned
stops the load with a clear message; the file loads record each file's format and coverage."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import rows

from exec_reporting.config import ConfigError, load_config
from exec_reporting.contract import table
from exec_reporting.ingest import IngestError, latest_ledger_date, load_all, load_table

LEDGER_HEADER = "txn_id,date,account_code,amount,description,counterparty\n"
BASE = {
    "organization": "Test",
    "data_dir": "data",
    "first_month": "2025-01",
    "delivery": {"sender": "reports@example.com"},
}


def config_with(tmp_path: Path, sources) -> Path:
    entity = {"id": "shop", "name": "Shop", "kind": "holding", "sources": sources}
    path = tmp_path / "reporting.yaml"
    path.write_text(yaml.safe_dump({**BASE, "entities": [entity]}), encoding="utf-8")
    return path


BANK_CSV = {
    "format": "bank_csv",
    "path": "card.csv",
    "columns": {"date": "Posted", "amount": "Amount", "description": "Payee"},
    "date_format": "%m/%d/%Y",
    "decimal": ".",
    "sign": "expenses_negative",
}


def test_the_default_source_is_the_canonical_ledger(tmp_path):
    path = tmp_path / "reporting.yaml"
    entity = {"id": "shop", "name": "Shop", "kind": "holding"}
    path.write_text(yaml.safe_dump({**BASE, "entities": [entity]}))
    [source] = load_config(path).entities[0].sources
    assert (source.format, source.path, source.encoding) == ("canonical", "ledger.csv", None)
    assert load_config(path).accounting.uncategorized_account == "6999"


def test_every_format_of_the_issue_is_a_valid_source(tmp_path):
    sources = [
        {"format": "canonical"},
        {"format": "ofx", "path": "bank/*.ofx"},
        {
            "format": "qbo_transaction_detail",
            "path": "qbo/*.csv",
            "bank_accounts": ["Checking"],
            "date_format": "%m/%d/%Y",
        },
        {
            "format": "xero_account_transactions",
            "path": "xero/*.csv",
            "bank_accounts": ["Business Bank Account"],
        },
        {"format": "stripe_balance", "path": "stripe/*.csv", "payout_account": "1900"},
        BANK_CSV,
    ]
    loaded = load_config(config_with(tmp_path, sources)).entities[0].sources
    assert [s.format for s in loaded] == [s["format"] for s in sources]


@pytest.mark.parametrize(
    ("source", "messages"),
    [
        (
            {"format": "quickbooks", "path": "x.csv"},
            [
                "entities[0].sources[0]: format: expected one of canonical, ofx, "
                "qbo_transaction_detail, xero_account_transactions, stripe_balance, bank_csv"
            ],
        ),
        ({"format": "ofx"}, ["entities[0].sources[0].path: required key is missing"]),
        (
            {"format": "ofx", "path": "../other/*.ofx"},
            ["entities[0].sources[0].path: Value error, '../other/*.ofx': '..' would leave"],
        ),
        (
            {"format": "ofx", "path": "/home/me/bank.ofx"},
            [
                "entities[0].sources[0].path: Value error, '/home/me/bank.ofx': expected a path "
                "under the entity's folder"
            ],
        ),
        (
            {"format": "ofx", "path": "bank/*.ofx", "encoding": "klingon"},
            ["entities[0].sources[0].encoding: Value error, unknown encoding 'klingon'"],
        ),
        (
            {"format": "ofx", "path": "bank/*.ofx", "date_format": "%d/%m/%Y"},
            ["entities[0].sources[0].date_format: unknown key"],
        ),
        (
            {**BANK_CSV, "sign": None},
            [
                "entities[0].sources[0]: Value error, sign: required with columns.amount: "
                "expenses_negative (money out written -12.00) or expenses_positive"
            ],
        ),
        (
            {key: value for key, value in BANK_CSV.items() if key != "decimal"},
            ["entities[0].sources[0].decimal: required key is missing"],
        ),
        (
            {**BANK_CSV, "decimal": ";"},
            ["entities[0].sources[0].decimal: expected '.' or ',', got ';'"],
        ),
        (
            {**BANK_CSV, "date_format": "%m/%d"},
            [
                "entities[0].sources[0].date_format: Value error, '%m/%d': expected a format with "
                "a year, a month and a day"
            ],
        ),
        (
            {**BANK_CSV, "columns": {"date": "Posted", "description": "Payee", "debit": "Out"}},
            ["entities[0].sources[0].columns: Value error, give amount, or both debit and credit"],
        ),
        (
            {**BANK_CSV, "columns": {"date": "Posted", "description": "posted ", "amount": "A"}},
            ["entities[0].sources[0].columns: Value error, column 'posted' is named for two roles"],
        ),
    ],
    ids=[
        "unknown format",
        "no path",
        "path out of the folder",
        "absolute path",
        "unknown encoding",
        "a bank_csv key on ofx",
        "no sign",
        "no decimal mark",
        "a decimal mark that is none",
        "date format without a year",
        "debit without credit",
        "a column for two roles",
    ],
)
def test_a_source_that_is_wrong_is_refused_saying_where(tmp_path, source, messages):
    with pytest.raises(ConfigError) as error:
        load_config(config_with(tmp_path, [source]))
    for message in messages:
        assert message in str(error.value)


def test_two_sources_with_one_path_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="path 'bank/\\*.ofx' is given to two sources"):
        load_config(
            config_with(
                tmp_path,
                [{"format": "ofx", "path": "bank/*.ofx"}, {"format": "ofx", "path": "bank/*.ofx"}],
            )
        )


def test_every_format_but_the_canonical_files_has_an_importer():
    from exec_reporting.config import SOURCE_FORMATS
    from exec_reporting.importers import IMPORTERS

    assert sorted(IMPORTERS) == sorted(f for f in SOURCE_FORMATS if f != "canonical")


# -- encodings of the canonical files -------------------------------------------------------------

LEDGER = LEDGER_HEADER + "T1,2025-01-05,4000,-4.50,Café Crème,Müller\n"
BOOKINGS = (
    "booking_id,channel,booked_on,service_date,amount,paid_on,status\n"
    "B1,Direct,2025-01-02,2025-01-10,100.00,2025-01-02,confirmed\n"
)


def canonical_portfolio(tmp_path, ledger: bytes, encoding=None, bookings: bytes | None = None):
    sources = [{"format": "canonical", **({"encoding": encoding} if encoding else {})}]
    path = config_with(tmp_path, sources)
    data = tmp_path / "data"
    (data / "shop").mkdir(parents=True)
    (data / "chart_of_accounts.csv").write_text(
        "code,name,type,behavior\n4000,Sales,revenue,\n", encoding="utf-8"
    )
    (data / "shop" / "ledger.csv").write_bytes(ledger)
    if bookings is not None:
        (data / "shop" / "bookings.csv").write_bytes(bookings)
    return path


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (LEDGER.encode("cp1252"), "windows-1252"),
        (LEDGER.encode("latin-1"), "latin-1"),
        (LEDGER.encode("cp1252"), "auto"),
        (LEDGER.encode("utf-16"), None),
        (LEDGER.replace("\n", "\r\n").encode("utf-16-le"), "utf-16-le"),
    ],
    ids=["windows-1252", "latin-1", "auto", "utf-16 with its byte-order mark", "utf-16-le"],
)
def test_a_canonical_file_in_a_declared_encoding_reads_as_written(tmp_path, content, encoding):
    path = canonical_portfolio(tmp_path, content, encoding)
    conn = duckdb.connect()
    load_table(conn, load_config(path), table("ledger"))
    assert rows(conn, "select description, counterparty from raw.ledger") == [
        {"description": "Café Crème", "counterparty": "Müller"}
    ]


def test_an_undeclared_encoding_is_still_refused_naming_the_line(tmp_path):
    path = canonical_portfolio(tmp_path, LEDGER.encode("cp1252"))
    with pytest.raises(IngestError) as error:
        load_table(duckdb.connect(), load_config(path), table("ledger"))
    assert error.value.problems == [
        f"{tmp_path / 'data' / 'shop' / 'ledger.csv'}: line 2: not UTF-8 text; save the file as "
        "UTF-8"
    ]


def test_the_other_canonical_files_take_the_canonical_sources_encoding(tmp_path):
    bookings = BOOKINGS.replace("Direct", "Dírect").encode("cp1252")
    path = canonical_portfolio(tmp_path, LEDGER.encode("cp1252"), "windows-1252", bookings)
    conn = duckdb.connect()
    load_all(conn, load_config(path))
    assert rows(conn, "select channel, amount from raw.bookings") == [
        {"channel": "Dírect", "amount": Decimal("100.00")}
    ]


# -- what the loads record for the coverage of each file -----------------------------------------


def test_every_file_load_records_its_format_and_coverage(tmp_path):
    sources = [{"format": "canonical"}, BANK_CSV]
    path = config_with(tmp_path, sources)
    data = tmp_path / "data"
    (data / "shop").mkdir(parents=True)
    (data / "chart_of_accounts.csv").write_text("code,name,type,behavior\n4000,Sales,revenue,\n")
    (data / "shop" / "ledger.csv").write_text(LEDGER_HEADER + "T1,2025-01-05,4000,5.00,a,b\n")
    (data / "shop" / "card.csv").write_text("Posted,Amount,Payee\n02/03/2025,-1.00,Tea\n")
    conn = duckdb.connect()
    load_all(conn, load_config(path))
    assert rows(
        conn,
        "select table_name, source_file, source_format, covers_through, rows_read, rows_loaded, "
        "rows_quarantined, rows_duplicate from ingest.file_loads order by table_name, source_file",
    ) == [
        {
            "table_name": "chart_of_accounts",
            "source_file": "chart_of_accounts.csv",
            "source_format": "canonical",
            "covers_through": None,
            "rows_read": 1,
            "rows_loaded": 1,
            "rows_quarantined": 0,
            "rows_duplicate": 0,
        },
        {
            "table_name": "ledger",
            "source_file": "shop/card.csv",
            "source_format": "bank_csv",
            # neither file states how far it covers: its latest line does
            "covers_through": date(2025, 2, 3),
            "rows_read": 1,
            "rows_loaded": 1,
            "rows_quarantined": 0,
            "rows_duplicate": 0,
        },
        {
            "table_name": "ledger",
            "source_file": "shop/ledger.csv",
            "source_format": "canonical",
            "covers_through": date(2025, 1, 5),
            "rows_read": 1,
            "rows_loaded": 1,
            "rows_quarantined": 0,
            "rows_duplicate": 0,
        },
    ]
    # the command line's default month sees the imported lines too
    assert latest_ledger_date(load_config(path)) == date(2025, 2, 3)


# -- the importer interface: several ledger rows from one line ------------------------------------


class PaymentWithFee:
    """An importer as the Stripe one will be: each line of its file is a payment and its fee,
    two ledger rows with the same line and parts 0 and 1."""

    format = "bank_csv"

    def stage(self, conn, file, context):
        from exec_reporting.importers import Staged, insert_imported

        where = {"source_file": file.name, "entity_id": file.entity_id, "line": 2}
        insert_imported(
            conn,
            [
                {
                    **where,
                    "part": 0,
                    "txn_id": "ch_1",
                    "date": "2025-02-03",
                    "amount": "100.00",
                    "description": "Charge",
                    "account_code": "4000",
                },
                {
                    **where,
                    "part": 1,
                    "txn_id": "ch_1-fee",
                    "date": "2025-02-03",
                    "amount": "-3.20x",
                    "description": "Fee",
                    "account_code": "6200",
                },
                {
                    **where,
                    "line": 3,
                    "part": 0,
                    "txn_id": "ch_2",
                    "date": "2025-02-04",
                    "amount": "50.00",
                    "description": "Charge",
                    "account_code": "4000",
                },
                {
                    **where,
                    "line": 3,
                    "part": 1,
                    "txn_id": "ch_2-fee",
                    "date": "2025-02-04",
                    "amount": "-1.75",
                    "description": "Fee",
                    "account_code": "6200",
                },
            ],
        )
        return Staged()


def test_an_importer_may_make_several_rows_of_one_line(tmp_path, monkeypatch):
    from exec_reporting import importers

    monkeypatch.setitem(importers.IMPORTERS, "bank_csv", PaymentWithFee())
    path = config_with(tmp_path, [BANK_CSV])
    (tmp_path / "data" / "shop").mkdir(parents=True)
    (tmp_path / "data" / "shop" / "card.csv").write_text("anything\n")
    conn = duckdb.connect()
    load_table(conn, load_config(path), table("ledger"))
    assert rows(conn, "select line, txn_id, amount from raw.ledger order by line, txn_id") == [
        {"line": 2, "txn_id": "ch_1", "amount": Decimal("100.00")},
        {"line": 3, "txn_id": "ch_2", "amount": Decimal("50.00")},
        {"line": 3, "txn_id": "ch_2-fee", "amount": Decimal("-1.75")},
    ]
    # the fee's bad amount quarantines the fee alone, at the line both came from
    assert rows(conn, "select line, column_name, value from quarantine.rows") == [
        {"line": 2, "column_name": "amount", "value": "-3.20x"}
    ]
    assert rows(
        conn,
        "select rows_read, rows_loaded, rows_quarantined from ingest.file_loads "
        "where table_name = 'ledger'",
    ) == [{"rows_read": 4, "rows_loaded": 3, "rows_quarantined": 1}]
