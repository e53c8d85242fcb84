"""Stripe's balance transactions export (format `stripe_balance`): a charge is revenue of its gross
amount and a fee line of its own, a refund negative revenue, a payout a transfer to the bank that
the bank statement's deposit cancels out, so revenue is counted once; days are the portfolio's;
what cannot be read is quarantined naming the file, line, column and reason; an overlapping
export adds nothing twice."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest
from conftest import load_warehouse, rows

from exec_reporting.config import ConfigError, load_config
from exec_reporting.contract import table
from exec_reporting.ingest import IngestError, load_table

ENTITY = "tours"
CHART = """\
code,name,type,behavior
1000,Bank,asset,
1900,Transfers between accounts,asset,
4000,Sales,revenue,
6200,Card fees,expense,variable
6300,Marina,expense,fixed
"""
STRIPE = {
    "format": "stripe_balance",
    "path": "stripe/*.csv",
    "payout_account": "1900",
    "fee_account": "6200",
    "revenue_account": "4000",
}
HEADER = "id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description\n"


def stripe_portfolio(portfolio, tmp_path, files: dict[str, str], sources=None, rules=None):
    entity = {
        "id": ENTITY,
        "name": "Tours",
        "kind": "charter",
        "opening_cash": "1000.00",
        "sources": sources or [STRIPE],
    }
    path = portfolio({}, entities=[entity], chart=CHART, first_month="2026-01")
    folder = tmp_path / "data" / ENTITY
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content.encode())
    if rules is not None:
        (folder / "rules.yaml").write_text(rules, encoding="utf-8")
    return path


def load_ledger(config_path):
    conn = duckdb.connect()
    return conn, load_table(conn, load_config(config_path), table("ledger"))


def ledger(conn) -> list[tuple]:
    return [
        (r["line"], r["txn_id"], r["date"], r["account_code"], r["amount"], r["description"])
        for r in rows(
            conn,
            "select line, txn_id, date, account_code, amount, description from raw.ledger "
            "order by source_file, line, txn_id",
        )
    ]


def quarantine(conn) -> list[tuple]:
    return [
        (r["source_file"], r["line"], r["column_name"], r["value"], r["reason"])
        for r in rows(
            conn,
            "select source_file, line, column_name, value, reason from quarantine.rows "
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


def test_each_type_of_balance_transaction_becomes_its_ledger_rows(portfolio, tmp_path):
    export = HEADER + (
        "txn_1,charge,ch_1,100.00,3.20,96.80,usd,2026-03-02 18:00,2026-03-04 00:00,Tour\n"
        "txn_2,refund,re_1,-40.00,0.00,-40.00,usd,2026-03-03 18:00,2026-03-03 18:00,Refund\n"
        "txn_3,payout,po_1,-56.80,0.00,-56.80,usd,2026-03-05 10:00,2026-03-06 00:00,PAYOUT\n"
        "txn_4,stripe_fee,,-2.00,0.00,-2.00,usd,2026-03-31 12:00,2026-03-31 12:00,Radar\n"
        "txn_5,adjustment,du_1,-15.00,15.00,-30.00,usd,2026-03-20 12:00,2026-03-20 12:00,Dispute\n"
        # 01:30 UTC on April 1 is still March 31 in Los Angeles
        'txn_6,charge,ch_2,"1,200.00",35.10,"1,164.90",USD,2026-04-01 01:30,,Charter\n'
    )
    path = stripe_portfolio(portfolio, tmp_path, {"stripe/a.csv": export})
    conn, result = load_ledger(path)
    assert quarantine(conn) == []
    assert ledger(conn) == [
        (2, "txn_1", date(2026, 3, 2), "4000", Decimal("100.00"), "Tour"),
        (2, "txn_1:fee", date(2026, 3, 2), "6200", Decimal("-3.20"), "Stripe fee: Tour"),
        (3, "txn_2", date(2026, 3, 3), "4000", Decimal("-40.00"), "Refund"),
        (4, "txn_3", date(2026, 3, 5), "1900", Decimal("-56.80"), "PAYOUT"),
        (5, "txn_4", date(2026, 3, 31), "6200", Decimal("-2.00"), "Radar"),
        # no rule for an adjustment: the uncategorized account, to be given a rule
        (6, "txn_5", date(2026, 3, 20), "6999", Decimal("-15.00"), "Dispute"),
        (6, "txn_5:fee", date(2026, 3, 20), "6200", Decimal("-15.00"), "Stripe fee: Dispute"),
        (7, "txn_6", date(2026, 3, 31), "4000", Decimal("1200.00"), "Charter"),
        (7, "txn_6:fee", date(2026, 3, 31), "6200", Decimal("-35.10"), "Stripe fee: Charter"),
    ]
    [load] = result.files
    assert (load.rows_read, load.rows_loaded, load.covers_through) == (9, 9, date(2026, 3, 31))
    assert load.ignored_columns == ["Available On (UTC)"]


def test_with_the_bank_statement_revenue_is_counted_once(portfolio, tmp_path):
    export = HEADER + (
        "txn_1,charge,ch_1,300.00,9.00,291.00,usd,2026-03-02 18:00,,Tour A\n"
        "txn_2,charge,ch_2,200.00,6.10,193.90,usd,2026-03-03 18:00,,Tour B\n"
        "txn_3,payout,po_1,-484.90,0.00,-484.90,usd,2026-03-05 10:00,,STRIPE PAYOUT\n"
    )
    statement = (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD<BANKACCTFROM><ACCTID>42"
        "</BANKACCTFROM><BANKTRANLIST><DTSTART>20260301<DTEND>20260331\n"
        "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260306<TRNAMT>484.90<FITID>B1"
        "<NAME>STRIPE TRANSFER</STMTTRN>\n"
        "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260310<TRNAMT>-400.00<FITID>B2"
        "<NAME>MARINA</STMTTRN>\n"
        "</BANKTRANLIST><LEDGERBAL><BALAMT>1084.90<DTASOF>20260331</LEDGERBAL></STMTRS>"
        "</STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    )
    rules = (
        "rules:\n"
        "  - match: stripe transfer\n"
        '    account: "1900"\n'
        "  - match: marina\n"
        '    account: "6300"\n'
    )
    path = stripe_portfolio(
        portfolio,
        tmp_path,
        {"stripe/march.csv": export, "bank/march.ofx": statement},
        sources=[STRIPE, {"format": "ofx", "path": "bank/*.ofx"}],
        rules=rules,
    )
    conn = load_warehouse(path)
    # revenue is the charges' 500.00, not also the payout's 484.90 that reached the bank; costs
    # the fees 15.10 and the marina 400.00; cash the bank's 1,084.90 (the statement's balance)
    [march] = rows(conn, "select month, revenue, gross_burn, net_burn, cash_end from metrics.burn")
    assert march == {
        "month": date(2026, 3, 1),
        "revenue": Decimal("500.00"),
        "gross_burn": Decimal("415.10"),
        "net_burn": Decimal("-84.90"),
        "cash_end": Decimal("1084.90"),
    }
    assert rows(
        conn, "select sum(amount) as total from raw.ledger where account_code = '1900'"
    ) == [{"total": Decimal("0.00")}]


def test_an_overlapping_export_adds_nothing_twice(portfolio, tmp_path):
    first = HEADER + (
        "txn_1,charge,ch_1,100.00,3.20,96.80,usd,2026-03-02 18:00,,Tour\n"
        "txn_2,charge,ch_2,50.00,1.75,48.25,usd,2026-03-09 18:00,,Tour\n"
    )
    second = HEADER + (
        "txn_2,charge,ch_2,50.00,1.75,48.25,usd,2026-03-09 18:00,,Tour\n"
        "txn_3,charge,ch_3,80.00,0.00,80.00,usd,2026-03-12 18:00,,Cash-like\n"
    )
    path = stripe_portfolio(portfolio, tmp_path, {"stripe/a.csv": first, "stripe/b.csv": second})
    conn, _ = load_ledger(path)
    assert counts(conn) == {
        "tours/stripe/a.csv": (4, 4, 0, 0),
        # txn_2 and its fee were imported from a.csv; txn_3 has no fee: one row
        "tours/stripe/b.csv": (3, 1, 0, 2),
    }
    assert rows(
        conn, "select line, first_file, first_line from ingest.duplicate_rows order by line"
    ) == [
        {"line": 2, "first_file": "tours/stripe/a.csv", "first_line": 3},
        {"line": 2, "first_file": "tours/stripe/a.csv", "first_line": 3},
    ]


def test_the_itemized_reports_column_names_are_read_too(portfolio, tmp_path):
    export = (
        "balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,"
        "reporting_category,source_id,description\n"
        "txn_1,2026-03-02 18:00:00,2026-03-04 00:00:00,usd,100.00,3.20,96.80,charge,ch_1,Tour\n"
        "txn_2,2026-03-05 10:00:00,2026-03-06 00:00:00,usd,-96.80,0.00,-96.80,payout,po_1,\n"
    )
    path = stripe_portfolio(portfolio, tmp_path, {"stripe/a.csv": export})
    conn, _ = load_ledger(path)
    assert [(r[1], r[3], r[4]) for r in ledger(conn)] == [
        ("txn_1", "4000", Decimal("100.00")),
        ("txn_1:fee", "6200", Decimal("-3.20")),
        ("txn_2", "1900", Decimal("-96.80")),
    ]


def test_what_cannot_be_read_is_quarantined_naming_line_column_and_reason(portfolio, tmp_path):
    export = HEADER + (
        "txn_1,charge,ch_1,100.00,3.20,96.80,usd,2026-03-02 18:00,,Good\n"
        "txn_2,charge,ch_2,ten,3.20,96.80,usd,2026-03-02 18:00,,Bad amount\n"
        "txn_3,charge,ch_3,100.00,3.2x,96.80,usd,2026-03-02 18:00,,Bad fee\n"
        "txn_4,charge,ch_4,100.00,3.20,96.80,usd,03/02/2026,,Bad time\n"
        "txn_5,charge,ch_5,100.00,3.20,96.80,eur,2026-03-02 18:00,,Euros\n"
        "txn_6,charge,ch_6,100.00,3.20,97.80,usd,2026-03-02 18:00,,Net off\n"
        ",charge,ch_7,100.00,3.20,96.80,usd,2026-03-02 18:00,,No id\n"
        "txn_8,charge,ch_8,,3.20,96.80,usd,2026-03-02 18:00,,No amount\n"
        "txn_9,charge,ch_9,100.00,3.20,96.80,usd,2026-03-02 18:00,,Too,many\n"
    )
    path = stripe_portfolio(portfolio, tmp_path, {"stripe/a.csv": export})
    conn, _ = load_ledger(path)
    file = "tours/stripe/a.csv"
    found = quarantine(conn)
    assert found[:-1] == [
        (
            file,
            3,
            "Amount",
            "ten",
            "expected an amount with at most 2 decimals, such as 1,234.56 or -12.00",
        ),
        (
            file,
            4,
            "Fee",
            "3.2x",
            "expected an amount with at most 2 decimals, such as 3.20 or -0.30",
        ),
        (
            file,
            5,
            "Created (UTC)",
            "03/02/2026",
            "expected a time in UTC such as 2026-10-31 23:59 or 2026-10-31 23:59:59",
        ),
        (
            file,
            6,
            "Currency",
            "eur",
            "expected USD, the portfolio's currency (reporting.yaml currency): an amount in EUR "
            "cannot be added to the others",
        ),
        (file, 7, "Net", "97.80", "expected Net = Amount - Fee (100.00 - 3.20 = 96.80)"),
        (file, 8, "id", None, "missing value: id is empty"),
        (file, 9, "Amount", None, "missing value: Amount is empty"),
    ]
    # a record with more fields than the header
    assert found[-1][1] == 10 and found[-1][4].startswith("malformed row")
    # rows read = loaded (txn_1 and its fee) + quarantined (one row per line that failed)
    assert counts(conn) == {file: (10, 2, 8, 0)}


def test_missing_columns_stop_the_file_naming_them(portfolio, tmp_path):
    export = "id,Type,Source,Fee,Net,Currency,Created (UTC)\ntxn_1,charge,ch_1,1,1,usd,x\n"
    path = stripe_portfolio(portfolio, tmp_path, {"stripe/a.csv": export})
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    assert error.value.problems == [
        f"{tmp_path / 'data' / ENTITY / 'stripe' / 'a.csv'}: line 1: the header of Stripe's "
        "balance transactions export lacks the column(s) Amount or gross (expected id: id or "
        "balance_transaction_id; type: Type or reporting_category; amount: Amount or gross; "
        "currency: Currency; created: Created (UTC) or created_utc)"
    ]


def test_an_empty_export_stops_the_file(portfolio, tmp_path):
    path = stripe_portfolio(portfolio, tmp_path, {"stripe/a.csv": ""})
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    [problem] = error.value.problems
    assert problem.startswith(f"{tmp_path / 'data' / ENTITY / 'stripe' / 'a.csv'}: not Stripe's")


def test_payout_account_is_required(portfolio, tmp_path):
    source = {key: value for key, value in STRIPE.items() if key != "payout_account"}
    path = stripe_portfolio(portfolio, tmp_path, {}, sources=[source])
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "payout_account" in str(error.value)
