"""Every reader of a ledger source, fed random rows and random bytes (hypothesis): it never
crashes (a file it cannot read fails the load with a message naming the file, anything else is
loaded or quarantined), and for every file, rows read = loaded + quarantined + duplicate, with
each of those rows where the counts say (raw.ledger, quarantine.rows, ingest.duplicate_rows)."""

import csv
import io
import shutil
import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import write_portfolio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exec_reporting.config import load_config
from exec_reporting.contract import table
from exec_reporting.ingest import IngestError, load_table

# No example database: tests write only to temporary folders.
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENTITY = "shop"
LEDGER_HEADER = ["txn_id", "date", "account_code", "amount", "description", "counterparty"]
BANK_CSV = {
    "format": "bank_csv",
    "path": "bank/*.csv",
    "columns": {"date": "Posted", "amount": "Amount", "description": "Payee"},
    "date_format": "%m/%d/%Y",
    "decimal": ".",
    "sign": "expenses_negative",
    "skip_footer": 0,
}
BANK_HEADER = ["Posted", "Amount", "Payee"]
SOURCES = {
    "canonical": [{"format": "canonical", "path": "ledger*.csv"}],
    "canonical_auto": [{"format": "canonical", "path": "ledger*.csv", "encoding": "auto"}],
    "bank_csv": [BANK_CSV],
    "ofx": [{"format": "ofx", "path": "bank/*.ofx"}],
    "qbo_transaction_detail": [
        {
            "format": "qbo_transaction_detail",
            "path": "qbo/*.csv",
            "bank_accounts": ["Checking"],
            "card_accounts": ["Visa"],
            "date_format": "%m/%d/%Y",
        }
    ],
    "xero_account_transactions": [
        {
            "format": "xero_account_transactions",
            "path": "xero/*.csv",
            "bank_accounts": ["Business Bank Account"],
        }
    ],
    "stripe_balance": [
        {"format": "stripe_balance", "path": "stripe/*.csv", "payout_account": "1900"}
    ],
}

# Cells that look like what the files hold (mostly valid, so that rows load, repeat and
# overlap), and anything at all.
in_window = st.dates(min_value=date(2020, 1, 1), max_value=date(2025, 12, 31))
junk = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "2025-02-30", "13/45/2025", "1899-12-31", "ten", "1e5", "-", "()"]),
)
valid_amounts = st.one_of(
    st.decimals(min_value=-5000, max_value=5000, places=2, allow_nan=False).map(str),
    st.sampled_from(["$1,234.56", "(12.00)", "12.00-", "-4.50", "4.50"]),
)
amounts = st.one_of(valid_amounts, valid_amounts, junk)
text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)


def column(valid):
    return st.one_of(valid, valid, valid, junk)


def mostly(valid_row, junk_row):
    """Three valid-looking rows for one row of junk (a row of any width)."""
    return st.one_of(valid_row, valid_row, valid_row, junk_row)


canonical_row = mostly(
    st.tuples(
        column(st.sampled_from(["T1", "T2", "T3", "T4", "T5", "T6"])),
        column(in_window.map(lambda d: d.isoformat())),
        column(st.sampled_from(["4000", "6000", "6999"])),
        column(valid_amounts.filter(lambda a: a[0] in "-0123456789")),
        text,
        text,
    ).map(list),
    st.lists(junk, max_size=8),
)
bank_row = mostly(
    st.tuples(
        column(in_window.map(lambda d: d.strftime("%m/%d/%Y"))),
        amounts,
        st.sampled_from(["Coffee", "Coffee", "Fuel", "Café Crème", ""]),
    ).map(list),
    st.lists(junk, max_size=5),
)


def as_csv(header: list[str], body: list[list[str]], line_end: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue().encode("utf-8")


OFX_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
    "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)
transactions = st.lists(
    st.tuples(
        st.sampled_from(["F1", "F2", "F3", "", "F1"]),
        column(in_window.map(lambda d: d.strftime("%Y%m%d"))),
        st.one_of(amounts, st.just("null")),
        st.text(alphabet=st.characters(blacklist_characters="<>&"), max_size=20),
    ),
    max_size=8,
)


def ofx_statement(items, currency: str) -> bytes:
    body = "".join(
        f"<STMTTRN><TRNTYPE>OTHER<DTPOSTED>{posted}<TRNAMT>{amount}<FITID>{fitid}"
        f"<NAME>{name}</STMTTRN>\n"
        for fitid, posted, amount, name in items
    )
    return (
        OFX_HEADER
        + f"<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>{currency}<BANKACCTFROM><ACCTID>1"
        "</BANKACCTFROM><BANKTRANLIST><DTSTART>20250101<DTEND>20250131\n"
        + body
        + "</BANKTRANLIST><LEDGERBAL><BALAMT>0<DTASOF>20250131</LEDGERBAL></STMTRS>"
        "</STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    ).encode("cp1252", "replace")


class Reader:
    """One portfolio folder, its config and one in-memory warehouse per kind of source, kept for
    every example of the module: an example replaces the entity's files and loads the ledger
    again. A full load replaces everything the table held (raw.ledger, its quarantined and
    duplicate rows, its file loads), so each example is checked against its own files only, and
    a load that leaves anything of the one before fails assert_accounted_for. Opening DuckDB,
    creating the schema and reading reporting.yaml cost about a third of an example."""

    def __init__(self, kind: str):
        self.root = Path(tempfile.mkdtemp(prefix="readers-property-"))
        entity = {"id": ENTITY, "name": "Shop", "kind": "holding", "sources": SOURCES[kind]}
        self.config = load_config(write_portfolio(self.root, {}, [entity], first_month="2020-01"))
        self.conn = duckdb.connect()

    def close(self) -> None:
        self.conn.close()
        shutil.rmtree(self.root, ignore_errors=True)


READERS: dict[str, Reader] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_readers():
    yield
    while READERS:
        READERS.popitem()[1].close()


def load_files(kind: str, files: dict[str, bytes]) -> None:
    """Load `files` (names under the entity's folder) as the ledger of a source of `kind`, and
    check that every row read is accounted for."""
    reader = READERS.get(kind) or READERS.setdefault(kind, Reader(kind))
    folder = reader.root / "data" / ENTITY
    shutil.rmtree(folder, ignore_errors=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    try:
        load_table(reader.conn, reader.config, table("ledger"))
    except IngestError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.startswith(str(folder)), problem
        return
    assert_accounted_for(reader.conn, set(files))


def assert_accounted_for(conn, names: set[str]) -> None:
    loads = conn.execute(
        "select source_file, rows_read, rows_loaded, rows_quarantined, rows_duplicate "
        "from ingest.file_loads where table_name = 'ledger'"
    ).fetchall()
    assert {source_file for source_file, *_ in loads} == {f"{ENTITY}/{name}" for name in names}
    for source_file, read, loaded, quarantined, duplicate in loads:
        assert read == loaded + quarantined + duplicate, source_file
        for relation, count in (
            ("raw.ledger", loaded),
            ("quarantine.rows", quarantined),
            ("ingest.duplicate_rows", duplicate),
        ):
            found = conn.execute(
                "select count(*) from query_table($t) where source_file = $f",
                {"t": relation, "f": source_file},
            ).fetchall()[0][0]
            assert found == count, (source_file, relation)


line_ends = st.sampled_from(["\n", "\r\n", "\r"])


@SETTINGS
@given(body=st.lists(canonical_row, max_size=12), end=line_ends)
def test_the_canonical_reader_takes_any_rows(body, end):
    load_files("canonical", {"ledger.csv": as_csv(LEDGER_HEADER, body, end)})


@SETTINGS
@given(content=st.binary(max_size=400), kind=st.sampled_from(["canonical", "canonical_auto"]))
def test_the_canonical_reader_takes_any_bytes(content, kind):
    load_files(kind, {"ledger.csv": content})


@SETTINGS
@given(
    title=st.lists(text, max_size=3),
    body=st.lists(bank_row, max_size=12),
    overlap=st.lists(bank_row, max_size=6),
    end=line_ends,
)
def test_the_bank_csv_reader_takes_any_rows(title, body, overlap, end):
    titles = "".join(line.replace("\n", " ").replace("\r", " ") + end for line in title).encode()
    first = titles + as_csv(BANK_HEADER, body, end)
    # a second export repeating some rows of the first: they are duplicates, not losses
    second = as_csv(BANK_HEADER, body[: len(overlap)] + overlap, end)
    load_files("bank_csv", {"bank/a.csv": first, "bank/b.csv": second})


@SETTINGS
@given(content=st.binary(max_size=400))
def test_the_bank_csv_reader_takes_any_bytes(content):
    load_files("bank_csv", {"bank/a.csv": b"Posted,Amount,Payee\n" + content})


@SETTINGS
@given(first=transactions, second=transactions, currency=st.sampled_from(["USD", "", "EUR"]))
def test_the_ofx_reader_takes_any_transactions(first, second, currency):
    load_files(
        "ofx",
        {"bank/a.ofx": ofx_statement(first, currency), "bank/b.ofx": ofx_statement(second, "USD")},
    )


@SETTINGS
@given(content=st.binary(max_size=400), prefix=st.sampled_from([b"", OFX_HEADER.encode()]))
def test_the_ofx_reader_takes_any_bytes(content, prefix):
    load_files("ofx", {"bank/a.ofx": prefix + content})


STRIPE_HEADER = ["id", "Type", "Amount", "Fee", "Net", "Currency", "Created (UTC)", "Description"]
stripe_row = mostly(
    st.tuples(
        column(st.sampled_from(["txn_1", "txn_2", "txn_3", "txn_4"])),
        column(st.sampled_from(["charge", "refund", "payout", "stripe_fee", "adjustment"])),
        amounts,
        st.one_of(st.just(""), amounts),
        st.one_of(st.just(""), amounts),
        column(st.sampled_from(["usd", "USD", "eur"])),
        column(in_window.map(lambda d: d.strftime("%Y-%m-%d 23:30"))),
        text,
    ).map(list),
    st.lists(junk, max_size=10),
)


@SETTINGS
@given(body=st.lists(stripe_row, max_size=12), overlap=st.lists(stripe_row, max_size=6))
def test_the_stripe_reader_takes_any_rows(body, overlap):
    second = body[: len(overlap)] + overlap
    load_files(
        "stripe_balance",
        {
            "stripe/a.csv": as_csv(STRIPE_HEADER, body, "\n"),
            "stripe/b.csv": as_csv(STRIPE_HEADER, second, "\r\n"),
        },
    )


@SETTINGS
@given(content=st.binary(max_size=400))
def test_the_stripe_reader_takes_any_bytes(content):
    header = ",".join(STRIPE_HEADER).encode() + b"\n"
    load_files("stripe_balance", {"stripe/a.csv": header + content})


QBO_HEADER = ["", "Date", "Transaction Type", "Num", "Name", "Memo/Description", "Split", "Amount"]
qbo_row = mostly(
    st.one_of(
        # a transaction
        st.tuples(
            st.just(""),
            column(in_window.map(lambda d: d.strftime("%m/%d/%Y"))),
            st.just("Expense"),
            st.just(""),
            st.sampled_from(["Shell", "City", ""]),
            text,
            st.sampled_from(["Fuel", "4000 Sales", "-Split-", "Rent", ""]),
            amounts,
        ).map(list),
        # a section's name, a total
        st.sampled_from(["Checking", "Visa", "Sales", "Total for Checking", "TOTAL"]).map(
            lambda label: [label]
        ),
    ),
    st.lists(junk, max_size=10),
)


@SETTINGS
@given(
    title=st.lists(text, max_size=3),
    body=st.lists(qbo_row, max_size=14),
    overlap=st.lists(qbo_row, max_size=6),
    end=line_ends,
)
def test_the_quickbooks_reader_takes_any_rows(title, body, overlap, end):
    titles = "".join(line.replace("\n", " ").replace("\r", " ") + end for line in title).encode()
    load_files(
        "qbo_transaction_detail",
        {
            "qbo/a.csv": titles + as_csv(QBO_HEADER, [["Checking"], *body], end),
            "qbo/b.csv": as_csv(QBO_HEADER, [["Checking"], *body[: len(overlap)], *overlap], end),
        },
    )


@SETTINGS
@given(content=st.binary(max_size=400))
def test_the_quickbooks_reader_takes_any_bytes(content):
    header = ",".join(QBO_HEADER).encode() + b"\nChecking\n"
    load_files("qbo_transaction_detail", {"qbo/a.csv": header + content})


XERO_HEADER = ["Date", "Source", "Description", "Reference", "Debit", "Credit"]
xero_row = mostly(
    st.one_of(
        st.tuples(
            column(in_window.map(lambda d: d.strftime("%d %b %Y"))),
            st.just("Spend Money"),
            text,
            st.just(""),
            st.one_of(st.just(""), amounts),
            st.one_of(st.just(""), amounts),
        ).map(list),
        st.sampled_from(
            ["Business Bank Account", "Sales", "Opening Balance", "Total Business Bank Account"]
        ).map(lambda label: [label]),
    ),
    st.lists(junk, max_size=8),
)


@SETTINGS
@given(body=st.lists(xero_row, max_size=14), overlap=st.lists(xero_row, max_size=6), end=line_ends)
def test_the_xero_reader_takes_any_rows(body, overlap, end):
    section = [["Business Bank Account"]]
    load_files(
        "xero_account_transactions",
        {
            "xero/a.csv": as_csv(XERO_HEADER, [*section, *body], end),
            "xero/b.csv": as_csv(XERO_HEADER, [*section, *body[: len(overlap)], *overlap], end),
        },
    )


@SETTINGS
@given(content=st.binary(max_size=400))
def test_the_xero_reader_takes_any_bytes(content):
    header = ",".join(XERO_HEADER).encode() + b"\nBusiness Bank Account\n"
    load_files("xero_account_transactions", {"xero/a.csv": header + content})
