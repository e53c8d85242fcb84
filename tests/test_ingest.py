"""Ingest: good rows to raw.<table>, every other row to quarantine.rows with file, line, column,
value and reason; rows read = rows loaded + rows quarantined; unreadable files fail as a whole."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest
from conftest import rows

from exec_reporting.config import load_config
from exec_reporting.contract import table
from exec_reporting.ingest import IngestError, load_all, load_table

LEDGER_HEADER = "txn_id,date,account_code,amount,description,counterparty\n"


def load(config_path, conn=None):
    conn = conn or duckdb.connect()
    return conn, load_all(conn, load_config(config_path))


def quarantine(conn, table_name="ledger"):
    return rows(
        conn,
        "select source_file, line, column_name, value, reason from quarantine.rows "
        "where table_name = ? order by source_file, line",
        [table_name],
    )


def test_good_rows_load_typed_with_their_file_and_line(portfolio):
    path = portfolio(
        {
            "shop/ledger.csv": LEDGER_HEADER
            + "T1,2025-01-05,4000,1200.50,Sale,Acme\n"
            + "T2,2025-01-06,6000,-300,Rent,Landlord\n"
        }
    )
    conn, results = load(path)
    ledger = rows(conn, "select * from raw.ledger order by line")
    assert ledger == [
        {
            "entity_id": "shop",
            "source_file": "shop/ledger.csv",
            "line": 2,
            "txn_id": "T1",
            "date": date(2025, 1, 5),
            "account_code": "4000",
            "amount": Decimal("1200.50"),
            "description": "Sale",
            "counterparty": "Acme",
        },
        {
            "entity_id": "shop",
            "source_file": "shop/ledger.csv",
            "line": 3,
            "txn_id": "T2",
            "date": date(2025, 1, 6),
            "account_code": "6000",
            "amount": Decimal("-300.00"),
            "description": "Rent",
            "counterparty": "Landlord",
        },
    ]
    column_types = dict(
        conn.execute("describe raw.ledger").fetchall()
        and [(r[0], r[1]) for r in conn.execute("describe raw.ledger").fetchall()]
    )
    assert column_types["amount"] == "DECIMAL(18,2)"
    assert column_types["date"] == "DATE"
    by_table = {r.table: r for r in results}
    assert by_table["ledger"].rows_read == 2 and by_table["ledger"].rows_quarantined == 0


BAD_LEDGER = (
    LEDGER_HEADER
    + "T1,2025-01-05,4000,100.00,Sale,Acme\n"  # 2 good
    + "T2,2025-13-45,4000,20,Sale,Acme\n"  # 3 bad date
    + "T3,2025-02-30,4000,20,Sale,Acme\n"  # 4 impossible date
    + "T4,2025-02-03,5000,ten dollars,Fuel,Shell\n"  # 5 not a number
    + "T5,2025-02-03,,5,Sale,Acme\n"  # 6 missing required value
    + "T1,2025-02-04,6000,-5,Rent,Landlord\n"  # 7 txn_id already seen
    + "T6,2025-02-04,6000,-5,Rent,Landlord,extra\n"  # 8 too many fields
    + "T7,2025-02-05,9999,-12.34,Mystery,Someone\n"  # 9 unmapped account: loaded
    + "T8,02/06/2025,6000,-1,Rent,Landlord\n"  # 10 not ISO
    + 'T9,2025-02-07,6000,"-1,234.00",Rent,Landlord\n'  # 11 thousands separator
    + "T10,2025-02-07,6000,-1.005,Rent,Landlord\n"  # 12 three decimals
)


def test_each_unusable_row_is_quarantined_with_where_and_why(portfolio):
    conn, _ = load(portfolio({"shop/ledger.csv": BAD_LEDGER}))
    assert [r["txn_id"] for r in rows(conn, "select txn_id from raw.ledger order by line")] == [
        "T1",
        "T7",
    ]
    found = {r["line"]: r for r in quarantine(conn)}
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 10, 11, 12]
    assert all(r["source_file"] == "shop/ledger.csv" for r in found.values())
    assert found[3]["column_name"] == "date" and found[3]["value"] == "2025-13-45"
    assert "YYYY-MM-DD" in found[3]["reason"]
    assert found[4]["column_name"] == "date" and "not a real date" in found[4]["reason"]
    assert found[5]["column_name"] == "amount" and found[5]["value"] == "ten dollars"
    assert "dot as decimal separator" in found[5]["reason"]
    assert found[6]["column_name"] == "account_code"
    assert found[6]["reason"] == "missing value: account_code is required"
    assert found[7]["column_name"] == "txn_id" and found[7]["value"] == "T1"
    assert "already loaded from line 2" in found[7]["reason"]
    assert found[8]["column_name"] is None and "T6" in found[8]["value"]
    assert "malformed row" in found[8]["reason"]
    assert found[10]["value"] == "02/06/2025"
    assert found[11]["value"] == "-1,234.00" and found[12]["value"] == "-1.005"


def test_rows_read_equal_rows_loaded_plus_quarantined_for_every_file(portfolio):
    path = portfolio(
        {
            "shop/ledger.csv": BAD_LEDGER,
            "cafe/ledger.csv": LEDGER_HEADER
            + "C1,2025-01-01,4000,1,x,y\nC1,2025-01-02,4000,1,x,y\n",
            "cafe/bookings.csv": (
                "booking_id,channel,booked_on,service_date,amount,paid_on,status\n"
                "B1,direct,2025-01-01,2025-02-01,100,2025-01-01,confirmed\n"
                "B2,direct,2025-01-01,2025-02-01,100,,maybe\n"
            ),
        }
    )
    conn, results = load(path)
    files = rows(conn, "select * from ingest.file_loads order by table_name, source_file")
    assert {(f["table_name"], f["source_file"]) for f in files} == {
        ("chart_of_accounts", "chart_of_accounts.csv"),
        ("ledger", "shop/ledger.csv"),
        ("ledger", "cafe/ledger.csv"),
        ("bookings", "cafe/bookings.csv"),
    }
    for f in files:
        loaded = conn.execute(
            "select count(*) from query_table(?) where source_file = ?",
            [f"raw.{f['table_name']}", f["source_file"]],
        ).fetchone()[0]
        quarantined = conn.execute(
            "select count(*) from quarantine.rows where table_name = ? and source_file = ?",
            [f["table_name"], f["source_file"]],
        ).fetchone()[0]
        assert (f["rows_loaded"], f["rows_quarantined"]) == (loaded, quarantined)
        assert f["rows_read"] == loaded + quarantined
    shop = next(f for f in files if f["source_file"] == "shop/ledger.csv")
    assert (shop["rows_read"], shop["rows_loaded"], shop["rows_quarantined"]) == (11, 2, 9)
    assert (
        quarantine(conn, "bookings")[0]["reason"]
        == "expected one of confirmed, cancelled, refunded"
    )
    assert sum(r.rows_read for r in results) == sum(f["rows_read"] for f in files)


def test_a_txn_id_is_unique_per_entity_not_across_entities(portfolio):
    same = LEDGER_HEADER + "T1,2025-01-05,4000,1,x,y\n"
    conn, _ = load(portfolio({"a/ledger.csv": same, "b/ledger.csv": same}))
    assert conn.execute("select count(*) from raw.ledger").fetchone()[0] == 2
    assert quarantine(conn) == []


def test_chart_behavior_is_required_for_cogs_and_expense_only(portfolio):
    chart = (
        "code,name,type,behavior\n"
        "4000,Sales,revenue,\n"
        "5000,Fuel,COGS,Variable\n"
        "6000,Rent,expense,\n"
        "6100,Other,expense,sometimes\n"
    )
    conn, _ = load(portfolio({"a/ledger.csv": LEDGER_HEADER}, chart=chart))
    assert rows(conn, "select code, type, behavior from raw.chart_of_accounts order by code") == [
        {"code": "4000", "type": "revenue", "behavior": None},
        {"code": "5000", "type": "cogs", "behavior": "variable"},
    ]
    reasons = {r["line"]: r["reason"] for r in quarantine(conn, "chart_of_accounts")}
    assert reasons == {
        4: "missing value: behavior is required when type is expense",
        5: "expected one of fixed, variable",
    }


def test_csv_dialect_details_people_really_have(portfolio, tmp_path):
    path = portfolio({"a/ledger.csv": LEDGER_HEADER})
    ledger = tmp_path / "data" / "a" / "ledger.csv"
    # byte-order mark, CRLF, upper-case reordered header, an extra column, a quoted newline,
    # padded cells
    ledger.write_bytes(
        b"\xef\xbb\xbfDate,TXN_ID,Account_Code,Amount,Description,Counterparty,Memo\r\n"
        b'2025-01-05,T1,4000, 10.00 ,"two\r\nlines",Acme,x\r\n'
        b"2025-01-06,T2,4000,+5,,Acme,y\r\n"
    )
    conn, results = load(path)
    assert rows(conn, "select txn_id, line, amount, description from raw.ledger order by line") == [
        {"txn_id": "T1", "line": 2, "amount": Decimal("10.00"), "description": "two\r\nlines"},
        {"txn_id": "T2", "line": 3, "amount": Decimal("5.00"), "description": None},
    ]
    ledger_result = next(r for r in results if r.table == "ledger")
    assert ledger_result.files[0].ignored_columns == ["memo"]
    stored = conn.execute(
        "select ignored_columns from ingest.file_loads where table_name = 'ledger'"
    )
    assert stored.fetchone()[0] == ["memo"]


def test_missing_optional_files_mean_no_data(portfolio):
    conn, results = load(portfolio({"a/ledger.csv": LEDGER_HEADER + "T1,2025-01-05,4000,1,x,y\n"}))
    for name in ("bookings", "invoices", "channels", "assets", "stack"):
        assert (
            conn.execute("select count(*) from query_table(?)", [f"raw.{name}"]).fetchone()[0] == 0
        )
    bookings = next(r for r in results if r.table == "bookings")
    assert bookings.files == [] and bookings.missing_optional[0].endswith("a/bookings.csv")


def test_unreadable_files_fail_the_load_naming_each_and_keep_the_previous_contents(
    portfolio, tmp_path
):
    good = LEDGER_HEADER + "T1,2025-01-05,4000,1,x,y\n"
    path = portfolio({"a/ledger.csv": good, "b/ledger.csv": good, "c/ledger.csv": good})
    config = load_config(path)
    conn = duckdb.connect()
    load_table(conn, config, table("ledger"))
    assert conn.execute("select count(*) from raw.ledger").fetchone()[0] == 3

    data = tmp_path / "data"
    (data / "a" / "ledger.csv").write_text("txn_id,date,amount\nT1,2025-01-05,1\n")
    (data / "b" / "ledger.csv").write_bytes(
        LEDGER_HEADER.encode() + b"T2,2025-01-05,4000,1,caf\xe9,y\n"
    )
    (data / "c" / "ledger.csv").unlink()
    with pytest.raises(IngestError) as error:
        load_table(conn, config, table("ledger"))
    message = str(error.value)
    assert f"{data}/a/ledger.csv: line 1: missing required column(s) account_code" in message
    assert f"{data}/b/ledger.csv: line 2: not UTF-8" in message
    assert f"{data}/c/ledger.csv: missing" in message
    assert len(error.value.problems) == 3
    # the warehouse keeps what it had
    assert conn.execute("select count(*) from raw.ledger").fetchone()[0] == 3
    assert conn.execute("select count(*) from ingest.file_loads").fetchone()[0] == 3


def test_empty_file_and_header_only_file(portfolio, tmp_path):
    path = portfolio({"a/ledger.csv": LEDGER_HEADER, "b/ledger.csv": ""})
    with pytest.raises(IngestError, match=r"b/ledger.csv: line 1: expected a header row"):
        load_table(duckdb.connect(), load_config(path), table("ledger"))
    (tmp_path / "data" / "b" / "ledger.csv").write_text(LEDGER_HEADER)
    conn = duckdb.connect()
    result = load_table(conn, load_config(path), table("ledger"))
    assert result.rows_read == 0 and len(result.files) == 2


def test_other_tables_types(portfolio):
    path = portfolio(
        {
            "a/ledger.csv": LEDGER_HEADER,
            "a/channels.csv": (
                "month,channel,listed,spend,leads,bookings,revenue\n"
                "2025-01,viator,Yes,100.00,10,2,500.00\n"
                "2025-01,airbnb,no,,,,\n"
                "2025-01-01,airbnb,no,,,,\n"
                "2025-02,boatsetter,maybe,,,,\n"
            ),
            "a/stack.csv": (
                "component,provider,category,monthly_cost,mfa,backups,tls_expires_on,"
                "last_deploy_on,dependencies_updated_on,ci,monitoring\n"
                "site,Netlify,web,19.00,true,1,2026-01-01,,,no,N\n"
            ),
        }
    )
    conn, _ = load(path)
    assert rows(
        conn, "select month, channel, listed, spend, leads from raw.channels order by channel"
    ) == [
        {
            "month": date(2025, 1, 1),
            "channel": "airbnb",
            "listed": False,
            "spend": Decimal("0.00"),
            "leads": 0,
        },
        {
            "month": date(2025, 1, 1),
            "channel": "viator",
            "listed": True,
            "spend": Decimal("100.00"),
            "leads": 10,
        },
    ]
    reasons = {r["line"]: r["reason"] for r in quarantine(conn, "channels")}
    assert reasons[4].startswith("duplicate key: month, channel 2025-01 | airbnb")
    assert reasons[5] == "expected yes or no (also true/false, 1/0)"
    assert rows(conn, "select mfa, backups, ci, monitoring, tls_expires_on from raw.stack") == [
        {
            "mfa": True,
            "backups": True,
            "ci": False,
            "monitoring": False,
            "tls_expires_on": date(2026, 1, 1),
        }
    ]


def test_the_documented_contract_matches_the_code():
    from pathlib import Path

    from exec_reporting.contract import TABLES

    doc = (Path(__file__).resolve().parent.parent / "docs" / "data-contract.md").read_text()
    table_rows = {
        line.split("|")[1].strip(): line.split("|")[2]
        for line in doc.splitlines()
        if line.startswith("| ") and ".csv" in line.split("|")[1]
    }
    assert set(table_rows) == {t.file_name for t in TABLES}
    for contract_table in TABLES:
        documented = table_rows[contract_table.file_name]
        for column in contract_table.columns:
            assert column.name in documented.replace("(", " ").replace(",", " ").split(), (
                contract_table.name,
                column.name,
            )
            if column.required:
                assert f"{column.name} (required" in documented, (contract_table.name, column.name)


def test_reloading_one_entity_replaces_its_rows_and_keeps_the_others(portfolio, tmp_path):
    path = portfolio(
        {
            "a/ledger.csv": LEDGER_HEADER
            + "A1,2025-01-05,4000,1.00,x,y\nA1,2025-01-06,4000,1,x,y\n",
            "b/ledger.csv": LEDGER_HEADER
            + "B1,2025-01-05,4000,2.00,x,y\nB2,2025-13-01,4000,2,x,y\n",
        }
    )
    config = load_config(path)
    conn = duckdb.connect()
    load_table(conn, config, table("ledger"))
    (tmp_path / "data" / "a" / "ledger.csv").write_text(
        LEDGER_HEADER + "A1,2025-01-05,4000,5.00,x,y\nA2,2025-01-07,4000,6.00,x,y\n"
    )
    # b's file breaks too, but only a is reloaded: b keeps what it had
    (tmp_path / "data" / "b" / "ledger.csv").write_text("not,a,ledger\n")
    result = load_table(conn, config, table("ledger"), entities=["a"])
    assert [f.source_file for f in result.files] == ["a/ledger.csv"]
    assert rows(conn, "select entity_id, txn_id, amount from raw.ledger order by all") == [
        {"entity_id": "a", "txn_id": "A1", "amount": Decimal("5.00")},
        {"entity_id": "a", "txn_id": "A2", "amount": Decimal("6.00")},
        {"entity_id": "b", "txn_id": "B1", "amount": Decimal("2.00")},
    ]
    # a's duplicate is gone from the quarantine, b's bad date is still there
    assert [(r["source_file"], r["line"]) for r in quarantine(conn)] == [("b/ledger.csv", 3)]
    loads = rows(conn, "select source_file, rows_read from ingest.file_loads order by 1")
    assert loads == [
        {"source_file": "a/ledger.csv", "rows_read": 2},
        {"source_file": "b/ledger.csv", "rows_read": 2},
    ]
