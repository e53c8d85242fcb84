"""OFX and QFX statements (format `ofx`): ofxparse's own public test statements load as ledger
rows whose cash reaches the statements' own balances; a statement imported twice, or two that
overlap, add each transaction once; what cannot be read is quarantined or fails the file, naming
it; the bank's own day, encodings and line numbers hold."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import load_warehouse, rows

from exec_reporting.checks import run_check_file
from exec_reporting.config import load_config
from exec_reporting.contract import table
from exec_reporting.ingest import IngestError, load_table

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ofx"
ENTITY = "harbor"


def ofx_portfolio(portfolio, tmp_path, files: dict[str, bytes], currency="USD", **config):
    """A portfolio of one entity whose ledger is the OFX files `files` (name under bank/)."""
    entity = {
        "id": ENTITY,
        "name": "Harbor",
        "kind": "charter",
        "sources": [{"format": "ofx", "path": "bank/*.ofx"}],
        **config.pop("entity", {}),
    }
    path = portfolio({}, entities=[entity], currency=currency, **config)
    folder = tmp_path / "data" / ENTITY / "bank"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return path


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def load_ledger(config_path):
    conn = duckdb.connect()
    result = load_table(conn, load_config(config_path), table("ledger"))
    return conn, result


def file_loads(conn) -> dict[str, tuple]:
    return {
        r["source_file"]: (
            r["rows_read"],
            r["rows_loaded"],
            r["rows_quarantined"],
            r["rows_duplicate"],
        )
        for r in rows(conn, "select * from ingest.file_loads where table_name = 'ledger'")
    }


def written_transactions(content: bytes) -> list[tuple[str, Decimal]]:
    """(FITID, TRNAMT) of each transaction as the file writes it, read without ofxparse."""
    text = content.decode("ascii")
    found = []
    for block in re.findall(r"(?is)<STMTTRN>(.*?)</STMTTRN>", text):
        fitid = re.search(r"(?i)<FITID>\s*([^<\s]+)", block).group(1)
        amount = re.search(r"(?i)<TRNAMT>\s*([^<\s]+)", block).group(1)
        found.append((fitid, Decimal(amount)))
    return found


def ledger_balance(content: bytes) -> Decimal:
    return Decimal(
        re.search(r"(?is)<LEDGERBAL>.*?<BALAMT>\s*([^<\s]+)", content.decode("ascii")).group(1)
    )


# -- 1. ofxparse's public statements --------------------------------------------------------------


def test_ofxparses_checking_statement_loads_each_transaction_with_its_line(portfolio, tmp_path):
    path = ofx_portfolio(
        portfolio, tmp_path, {"checking.ofx": fixture("checking.ofx")}, first_month="2011-03"
    )
    conn, result = load_ledger(path)
    assert rows(
        conn,
        "select source_file, line, txn_id, date, account_code, amount, description, counterparty "
        "from raw.ledger order by line",
    ) == [
        {
            "source_file": "harbor/bank/checking.ofx",
            "line": 46,
            "txn_id": "1452687~7:0000486",
            "date": date(2011, 3, 31),
            "account_code": "6999",
            "amount": Decimal("0.01"),
            "description": "DIVIDEND EARNED FOR PERIOD OF 03/01/2011 THROUGH 03/31/2011 ANNUAL "
            "PERCENTAGE YIELD EARNED IS 0.05%",
            "counterparty": "DIVIDEND EARNED FOR PERIOD OF 03",
        },
        {
            "source_file": "harbor/bank/checking.ofx",
            "line": 54,
            "txn_id": "1452687~7:0000487",
            "date": date(2011, 4, 5),
            "account_code": "6999",
            "amount": Decimal("-34.51"),
            "description": "AUTOMATIC WITHDRAWAL, ELECTRIC BILL WEB(S )",
            "counterparty": "AUTOMATIC WITHDRAWAL, ELECTRIC BILL",
        },
        {
            "source_file": "harbor/bank/checking.ofx",
            "line": 62,
            "txn_id": "1452687~7:0000488",
            "date": date(2011, 4, 7),
            "account_code": "6999",
            "amount": Decimal("-25.00"),
            "description": "RETURNED CHECK FEE, CHECK # 319 FOR $45.33 ON 04/07/11",
            "counterparty": "RETURNED CHECK FEE, CHECK # 319",
        },
    ]
    assert file_loads(conn) == {"harbor/bank/checking.ofx": (3, 3, 0, 0)}
    loaded = result.files[0]
    assert (loaded.source_format, loaded.covers_through) == ("ofx", date(2013, 5, 25))


# (file, currency, first_month): a bank statement (SGML), a bank statement written one
# transaction a line in another currency, a credit card statement (XML) and one with CDATA
STATEMENTS = [
    ("checking.ofx", "USD", "2011-03"),
    ("bank_medium.ofx", "CAD", "2009-04"),
    ("anzcc.ofx", "AUD", "2017-05"),
    ("suncorp.ofx", "AUD", "2013-12"),
]


@pytest.mark.parametrize(("name", "currency", "first_month"), STATEMENTS)
def test_the_ledger_reaches_the_statements_own_balance(
    portfolio, tmp_path, name, currency, first_month
):
    content = fixture(name)
    written = written_transactions(content)
    balance = ledger_balance(content)
    # the balance before the statement: what the bank's previous statement closed at
    opening = balance - sum(amount for _, amount in written)
    path = ofx_portfolio(
        portfolio,
        tmp_path,
        {name: content},
        currency=currency,
        first_month=first_month,
        entity={"opening_cash": str(opening)},
    )
    conn = load_warehouse(path)
    assert sorted(
        (r["txn_id"].split(":", 1)[1], r["amount"])
        for r in rows(conn, "select txn_id, amount from raw.ledger")
    ) == sorted(written)
    last_month = rows(
        conn, "select cash_end from metrics.burn where entity_id = ? order by month desc", [ENTITY]
    )[0]
    assert last_month["cash_end"] == balance
    assert rows(conn, "select balance from ingest.statement_balances") == [{"balance": balance}]


def test_the_suncorp_statements_cdata_names_are_read_as_text(portfolio, tmp_path):
    path = ofx_portfolio(
        portfolio,
        tmp_path,
        {"suncorp.ofx": fixture("suncorp.ofx")},
        currency="AUD",
        first_month="2013-12",
    )
    conn, _ = load_ledger(path)
    assert rows(conn, "select description, counterparty from raw.ledger") == [
        {
            "description": "EFTPOS WDL HANDYWAY ALDI STORE   GEELONG WEST VICAU",
            "counterparty": "EFTPOS WDL HANDYWAY ALDI STORE",
        }
    ]


# -- 2. overlapping statements: each transaction once ---------------------------------------------


def test_importing_an_overlapping_statement_twice_adds_nothing(portfolio, tmp_path):
    april = fixture("bank_medium.ofx")
    # the next statement repeats the last two transactions of April and adds one of May
    may = april.replace(
        b"<STMTTRN><TRNTYPE>POS<DTPOSTED>20090401122017.000[-5:EST]<TRNAMT>-6.60"
        b"<FITID>0000123456782009040100001<NAME>MCDONALD'S #112"
        b"<MEMO>POS MERCHANDISE;MCDONALD'S #112</STMTTRN>",
        b"<STMTTRN><TRNTYPE>POS<DTPOSTED>20090505122017.000[-5:EST]<TRNAMT>-9.10"
        b"<FITID>0000123456782009050500001<NAME>MCDONALD'S #112"
        b"<MEMO>POS MERCHANDISE;MCDONALD'S #112</STMTTRN>",
    )
    assert may != april
    files = {"2009-04.ofx": april, "2009-04 copy.ofx": april, "2009-05.ofx": may}
    path = ofx_portfolio(portfolio, tmp_path, files, currency="CAD", first_month="2009-04")
    conn = load_warehouse(path)
    assert rows(conn, "select txn_id, amount from raw.ledger order by date") == [
        {"txn_id": "12300 000012345678:0000123456782009040100001", "amount": Decimal("-6.60")},
        {"txn_id": "12300 000012345678:0000123456782009040200004", "amount": Decimal("-316.67")},
        {"txn_id": "12300 000012345678:0000123456782009040300005", "amount": Decimal("-22.00")},
        {"txn_id": "12300 000012345678:0000123456782009050500001", "amount": Decimal("-9.10")},
    ]
    # every row read is accounted for: loaded, or a duplicate of a row already imported
    assert file_loads(conn) == {
        "harbor/bank/2009-04 copy.ofx": (3, 3, 0, 0),
        "harbor/bank/2009-04.ofx": (3, 0, 0, 3),
        "harbor/bank/2009-05.ofx": (3, 1, 0, 2),
    }
    assert rows(
        conn,
        "select source_file, line, first_file, first_line from ingest.duplicate_rows "
        "order by source_file, line",
    ) == [
        {
            "source_file": f,
            "line": line,
            "first_file": "harbor/bank/2009-04 copy.ofx",
            "first_line": line,
        }
        for f, line in [
            ("harbor/bank/2009-04.ofx", 15),
            ("harbor/bank/2009-04.ofx", 16),
            ("harbor/bank/2009-04.ofx", 17),
            ("harbor/bank/2009-05.ofx", 16),
            ("harbor/bank/2009-05.ofx", 17),
        ]
    ]
    # a duplicate is no quarantined row: the quality gate does not trip, no report lists it
    assert rows(conn, "select * from quarantine.rows") == []
    gate = run_check_file(
        conn, "checks/raw/quarantined_share", table_name="ledger", max_quarantined_share=0.05
    )
    assert gate.failures == 0
    duplicates = run_check_file(conn, "checks/raw/ledger__duplicate_txn_ids")
    assert duplicates.failures == 0


def test_the_same_fitid_in_two_accounts_is_two_transactions(portfolio, tmp_path):
    statement = fixture("bank_medium.ofx")
    other_account = statement.replace(b"<ACCTID>12300 000012345678", b"<ACCTID>99999")
    path = ofx_portfolio(
        portfolio,
        tmp_path,
        {"a.ofx": statement, "b.ofx": other_account},
        currency="CAD",
        first_month="2009-04",
    )
    conn, _ = load_ledger(path)
    assert file_loads(conn) == {
        "harbor/bank/a.ofx": (3, 3, 0, 0),
        "harbor/bank/b.ofx": (3, 3, 0, 0),
    }


# -- 3. what cannot be read ------------------------------------------------------------------------


def stmttrn_lines(content: bytes) -> list[int]:
    return [
        number
        for number, line in enumerate(content.splitlines(), start=1)
        if b"<STMTTRN>" in line.upper()
    ]


@pytest.mark.parametrize(
    ("name", "reasons"),
    [
        (
            "fail_nice_date_missing.ofx",
            [
                "transaction not readable: Missing Transaction Date (a required field)",
                "transaction not readable: Invalid Transaction Date",
                "transaction not readable: day is out of range for month",
            ],
        ),
        (
            "fail_nice_decimal_error.ofx",
            ["transaction not readable: Invalid Transaction Amount: '$120'"],
        ),
        ("ofx-v102-empty-tags.ofx", ["transaction not readable: Empty transaction name"]),
    ],
)
def test_a_transaction_the_parser_cannot_read_is_quarantined_at_its_line(
    portfolio, tmp_path, name, reasons
):
    content = fixture(name)
    currency = "CAD" if name == "fail_nice_decimal_error.ofx" else "USD"
    path = ofx_portfolio(portfolio, tmp_path, {name: content}, currency=currency)
    conn, _ = load_ledger(path)
    quarantined = rows(
        conn,
        "select source_file, line, column_name, reason from quarantine.rows order by line",
    )
    assert quarantined == [
        {
            "source_file": f"harbor/bank/{name}",
            "line": line,
            "column_name": "STMTTRN",
            "reason": reason,
        }
        for line, reason in zip(stmttrn_lines(content), reasons, strict=True)
    ]
    assert file_loads(conn) == {f"harbor/bank/{name}": (len(reasons), 0, len(reasons), 0)}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (fixture("investment_medium.ofx"), "only an investment statement (<INVSTMTRS>)"),
        (fixture("vanguard.ofx"), "only an investment statement (<INVSTMTRS>)"),
        (fixture("signon_success.ofx"), "no bank or credit card statement"),
        (b"Date,Amount\n2025-01-02,12.00\n", "not an OFX or QFX statement that can be read"),
        (b"", "not an OFX or QFX statement that can be read"),
    ],
    ids=["investment", "investment with CR line ends", "sign-on only", "a CSV", "empty"],
)
def test_a_file_that_is_no_bank_statement_fails_naming_it(portfolio, tmp_path, content, message):
    path = ofx_portfolio(portfolio, tmp_path, {"statement.ofx": content})
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    [problem] = error.value.problems
    assert problem.startswith(f"{tmp_path / 'data' / ENTITY / 'bank' / 'statement.ofx'}: ")
    assert message in problem


def test_a_statement_in_another_currency_fails_naming_both(portfolio, tmp_path):
    path = ofx_portfolio(portfolio, tmp_path, {"cad.ofx": fixture("bank_medium.ofx")})
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    assert error.value.problems == [
        f"{tmp_path / 'data' / ENTITY / 'bank' / 'cad.ofx'}: the statement of account "
        "12300 000012345678 is in CAD (CURDEF), the portfolio's currency is USD (reporting.yaml "
        "currency): its amounts cannot be added to the others"
    ]


def test_a_source_matching_no_file_fails_naming_its_pattern(portfolio, tmp_path):
    path = ofx_portfolio(portfolio, tmp_path, {})
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    assert error.value.problems == [
        f"{tmp_path / 'data' / ENTITY / 'bank/*.ofx'}: missing: no file matches bank/*.ofx "
        "(entity harbor, source ofx in reporting.yaml)"
    ]


# -- 4. dates, text, lines and coverage -------------------------------------------------------------

SGML_HEADER = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
    "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)


def sgml_statement(
    transactions: str, end="20260131", balance="<LEDGERBAL><BALAMT>0<DTASOF>20260131</LEDGERBAL>"
):
    return (
        SGML_HEADER
        + "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>1<ACCTID>42"
        "<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20260101"
        + (f"<DTEND>{end}" if end else "")
        + "\r\n"
        + transactions
        + "</BANKTRANLIST>"
        + balance
        + "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n"
    )


def transaction(fitid, posted, amount, name):
    return (
        f"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>{posted}<TRNAMT>{amount}<FITID>{fitid}"
        f"<NAME>{name}</STMTTRN>\r\n"
    )


def test_a_transaction_keeps_the_banks_own_day_whatever_its_time_zone(portfolio, tmp_path):
    # 23:30 in California on January 31 is February 1 in UTC, where ofxparse alone puts it
    content = sgml_statement(transaction("T1", "20260131233000.000[-8:PST]", "-5.00", "Late"))
    path = ofx_portfolio(portfolio, tmp_path, {"jan.ofx": content.encode()}, first_month="2026-01")
    conn, _ = load_ledger(path)
    assert rows(conn, "select date from raw.ledger") == [{"date": date(2026, 1, 31)}]


@pytest.mark.parametrize(
    ("encoded", "source_encoding"),
    [
        (lambda text: text.encode("cp1252"), None),
        (lambda text: text.encode("utf-8"), None),
        (lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), None),
        (lambda text: text.replace("CHARSET:1252", "CHARSET:NONE").encode("latin-1"), "latin-1"),
    ],
    ids=["CHARSET 1252", "UTF-8 though the header says 1252", "UTF-8 byte-order mark", "declared"],
)
def test_names_beyond_ascii_read_as_written(portfolio, tmp_path, encoded, source_encoding):
    content = sgml_statement(transaction("T1", "20260105", "-4.50", "Café Müller"))
    entity = {"sources": [{"format": "ofx", "path": "bank/*.ofx", "encoding": source_encoding}]}
    path = ofx_portfolio(
        portfolio, tmp_path, {"jan.ofx": encoded(content)}, first_month="2026-01", entity=entity
    )
    conn, _ = load_ledger(path)
    assert rows(conn, "select counterparty from raw.ledger") == [{"counterparty": "Café Müller"}]


def test_an_xml_statement_in_utf_8_reads_its_names(portfolio, tmp_path):
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" '
        'NEWFILEUID="NONE"?>\n'
        "<OFX><CREDITCARDMSGSRSV1><CCSTMTTRNRS><CCSTMTRS><CURDEF>USD</CURDEF>\n"
        "<CCACCTFROM><ACCTID>4242</ACCTID></CCACCTFROM><BANKTRANLIST>"
        "<DTSTART>20260101</DTSTART><DTEND>20260131</DTEND>\n"
        "<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20260110</DTPOSTED><TRNAMT>-12.00</TRNAMT>"
        "<FITID>X1</FITID><NAME>Crème &amp; Brûlée</NAME></STMTTRN>\n"
        "</BANKTRANLIST><LEDGERBAL><BALAMT>-12.00</BALAMT><DTASOF>20260131</DTASOF></LEDGERBAL>"
        "</CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>\n"
    )
    path = ofx_portfolio(portfolio, tmp_path, {"card.ofx": content.encode()}, first_month="2026-01")
    conn, result = load_ledger(path)
    assert rows(conn, "select line, txn_id, counterparty, amount from raw.ledger") == [
        {
            "line": 5,
            "txn_id": "4242:X1",
            "counterparty": "Crème & Brûlée",
            "amount": Decimal("-12.00"),
        }
    ]
    assert result.files[0].covers_through == date(2026, 1, 31)


def test_a_statement_written_on_one_line_numbers_its_transactions(portfolio, tmp_path):
    one_line = fixture("bank_medium.ofx").replace(b"\r", b"").replace(b"\n", b"")
    path = ofx_portfolio(
        portfolio, tmp_path, {"flat.ofx": one_line}, currency="CAD", first_month="2009-04"
    )
    conn, _ = load_ledger(path)
    assert [r["line"] for r in rows(conn, "select line from raw.ledger order by date")] == [1, 2, 3]


def test_coverage_is_the_statements_end_else_its_balance_date_and_the_earliest_of_several(
    portfolio, tmp_path
):
    ends_on_dtend = sgml_statement(transaction("T1", "20260105", "-1.00", "A"), end="20260131")
    balance_only = sgml_statement(
        transaction("T2", "20260106", "-1.00", "B"),
        end=None,
        balance="<LEDGERBAL><BALAMT>5.00<DTASOF>20260120</LEDGERBAL>",
    )
    path = ofx_portfolio(
        portfolio,
        tmp_path,
        {
            "a.ofx": ends_on_dtend.encode(),
            "b.ofx": balance_only.encode(),
            "two.ofx": fixture("multiple_accounts2.ofx"),
        },
        first_month="2026-01",
    )
    conn, result = load_ledger(path)
    assert {f.source_file: f.covers_through for f in result.files} == {
        "harbor/bank/a.ofx": date(2026, 1, 31),
        "harbor/bank/b.ofx": date(2026, 1, 20),
        # two accounts, no DTEND: each balance's date
        "harbor/bank/two.ofx": date(2012, 6, 3),
    }
    stored = rows(
        conn,
        "select source_file, covers_through from ingest.file_loads order by source_file",
    )
    assert [r["covers_through"] for r in stored] == [
        date(2026, 1, 31),
        date(2026, 1, 20),
        date(2012, 6, 3),
    ]


def test_reloading_the_importing_entity_keeps_the_other_entities_rows(portfolio, tmp_path):
    april = fixture("bank_medium.ofx")
    entities = [
        {
            "id": ENTITY,
            "name": "Harbor",
            "kind": "charter",
            "sources": [{"format": "ofx", "path": "bank/*.ofx"}],
        },
        {"id": "shop", "name": "Shop", "kind": "holding"},
    ]
    path = portfolio(
        {
            f"{ENTITY}/bank/a.ofx": "",
            "shop/ledger.csv": "txn_id,date,account_code,amount,description,counterparty\n"
            "T1,2009-04-05,4000,10.00,Sale,Acme\n",
        },
        entities,
        currency="CAD",
        first_month="2009-04",
    )
    folder = tmp_path / "data" / ENTITY / "bank"
    (folder / "a.ofx").write_bytes(april)
    config = load_config(path)
    conn = duckdb.connect()
    load_table(conn, config, table("ledger"))
    (folder / "b.ofx").write_bytes(april)
    load_table(conn, config, table("ledger"), entities=[ENTITY])
    assert rows(conn, "select entity_id, count(*) as n from raw.ledger group by 1 order by 1") == [
        {"entity_id": ENTITY, "n": 3},
        {"entity_id": "shop", "n": 1},
    ]
    assert file_loads(conn) == {
        "harbor/bank/a.ofx": (3, 3, 0, 0),
        "harbor/bank/b.ofx": (3, 0, 0, 3),
        "shop/ledger.csv": (1, 1, 0, 0),
    }
    assert rows(conn, "select count(*) as n from ingest.duplicate_rows") == [{"n": 3}]
    assert rows(conn, "select count(*) as n from ingest.ledger_categories") == [{"n": 6}]
    assert rows(conn, "select count(*) as n from ingest.statement_balances") == [{"n": 2}]
