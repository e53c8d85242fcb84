"""Inputs that must not lie or crash: amounts beyond what the metric store holds, files with any
line ends (and blank lines, NUL bytes, no rows), and dates outside their window. Each gives a
clear message or a quarantine row with file, line, column and reason; rows read = rows loaded +
rows quarantined for every file; and nothing downstream overflows."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import build_report, rows

from exec_reporting.config import load_config
from exec_reporting.contract import DATE_WINDOWS, TABLES, TABLES_BY_NAME
from exec_reporting.demo import generate
from exec_reporting.ingest import IngestError, latest_ledger_date, load_all
from exec_reporting.metrics import build_all
from exec_reporting.period_close import period_gaps
from exec_reporting.reports import specs
from exec_reporting.settings import write_config_tables
from exec_reporting.source_text import readable_file
from exec_reporting.warehouse import connect

REPO = Path(__file__).resolve().parent.parent
LEDGER_HEADER = "txn_id,date,account_code,amount,description,counterparty\n"
# The day every load here runs on: dates are judged against it, not against the real today.
RUN_DATE = date(2026, 12, 3)


def load(config_path: Path, metrics: bool = True, run_date: date = RUN_DATE):
    """An in-memory warehouse with the portfolio loaded as on `run_date` (and its metrics)."""
    config = load_config(config_path)
    conn = connect(":memory:", ":memory:")  # the send ledger attached, as the pipeline does
    write_config_tables(conn, config)
    load_all(conn, config, run_date=run_date)
    if metrics:
        build_all(conn)
    return conn


def quarantine(conn, table_name: str = "ledger") -> list[dict]:
    return rows(
        conn,
        "select source_file, line, column_name, value, reason from quarantine.rows "
        "where table_name = ? order by source_file, line",
        [table_name],
    )


def file_loads(conn, table_name: str = "ledger") -> dict[str, tuple[int, int, int]]:
    """rows read, loaded and quarantined per file; asserts that read = loaded + quarantined."""
    found = {
        r["source_file"]: (r["rows_read"], r["rows_loaded"], r["rows_quarantined"])
        for r in rows(conn, "select * from ingest.file_loads where table_name = ?", [table_name])
    }
    for read, loaded, quarantined in found.values():
        assert read == loaded + quarantined
    return found


def write_file(tmp_path: Path, name: str, content: bytes) -> None:
    (tmp_path / "data" / name).write_bytes(content)


# -- 1. amounts: a limit that nothing downstream can overflow -------------------------------------


def test_an_amount_of_1e15_is_quarantined_with_the_limit_and_the_metrics_build(portfolio):
    path = portfolio(
        {
            "shop/ledger.csv": LEDGER_HEADER
            + "T1,2025-01-05,4000,1000000000000000.00,Sale,Acme\n"
            + "T2,2025-01-06,6000,-1000000000000000,Rent,Landlord\n"
            + "T3,2025-01-07,4000,999999999.99,Largest sale,Acme\n"
            + "T4,2025-01-08,6000,-999999999.99,Largest rent,Landlord\n"
            + "T5,2025-01-09,4000,1000000000.00,A billion,Acme\n"
            + "T6,2025-01-10,4000,1e15,Exponent,Acme\n"
            + "T7,2025-01-11,4000,00000000000000000000000000000000000000000000012.50,Zeros,Acme\n"
        }
    )
    conn = load(path)
    limit = "expected an amount of at most 999,999,999.99 in absolute value"
    assert quarantine(conn) == [
        {**where, "source_file": "shop/ledger.csv", "column_name": "amount"}
        for where in (
            {"line": 2, "value": "1000000000000000.00", "reason": limit},
            {"line": 3, "value": "-1000000000000000", "reason": limit},
            {"line": 6, "value": "1000000000.00", "reason": limit},
            {
                "line": 7,
                "value": "1e15",
                "reason": "expected an amount such as -1234.56 (dot as decimal separator, at most "
                "2 decimals, no currency sign or thousands separator)",
            },
        )
    ]
    assert rows(conn, "select line, amount from raw.ledger order by line") == [
        {"line": 4, "amount": Decimal("999999999.99")},
        {"line": 5, "amount": Decimal("-999999999.99")},
        {"line": 8, "amount": Decimal("12.50")},
    ]
    assert file_loads(conn) == {"shop/ledger.csv": (7, 3, 4)}
    assert rows(conn, "select revenue, cogs, opex from metrics.monthly_pnl") == [
        {
            "revenue": Decimal("1000000012.49"),
            "cogs": Decimal("0.00"),
            "opex": Decimal("999999999.99"),
        }
    ]


def test_money_decimal_and_whole_number_cells_of_every_table_have_their_limit(portfolio):
    path = portfolio(
        {
            "shop/ledger.csv": LEDGER_HEADER + "T1,2025-01-05,4000,1.00,Sale,Acme\n",
            "shop/bookings.csv": "booking_id,channel,booked_on,service_date,amount,paid_on,status,"
            "quantity\n"
            "B1,direct,2025-01-02,2025-02-01,100.00,,confirmed,1000000000\n"
            "B2,direct,2025-01-02,2025-02-01,100.00,,confirmed,999999999.999999\n"
            "B3,direct,2025-01-02,2025-02-01,100.00,,confirmed,0.000001\n",
            "shop/invoices.csv": "invoice_id,client,issued_on,due_on,amount,paid_on,paid_amount,"
            "hours\n"
            "I1,Acme,2025-01-02,2025-02-01,100.00,2025-01-20,-1000000000.00,\n"
            "I2,Acme,2025-01-02,2025-02-01,100.00,,,-1000000000.5\n",
            "shop/channels.csv": "month,channel,listed,spend,leads,bookings,revenue\n"
            "2025-01,viator,yes,1.00,1000000000,1,1.00\n"
            "2025-01,airbnb,yes,1.00,999999999,-999999999,1.00\n",
            "shop/assets.csv": "asset_id,name,category,acquired_on,cost,book_value,status\n"
            "A1,Yacht,vessel,2020-01-01,12345678901.00,,\n",
            "shop/stack.csv": "component,provider,category,monthly_cost,mfa,backups,"
            "tls_expires_on,last_deploy_on,dependencies_updated_on,ci,monitoring\n"
            "site,Netlify,web,99999999999,yes,yes,,,,yes,yes\n",
        }
    )
    conn = load(path)
    found = {
        (r["table_name"], r["line"]): (r["column_name"], r["reason"])
        for r in rows(conn, "select * from quarantine.rows")
    }
    number = "expected a number of at most 999,999,999.999999 in absolute value"
    whole = "expected a whole number of at most 999,999,999 in absolute value"
    money = "expected an amount of at most 999,999,999.99 in absolute value"
    assert found == {
        ("bookings", 2): ("quantity", number),
        ("invoices", 2): ("paid_amount", money),
        ("invoices", 3): ("hours", number),
        ("channels", 2): ("leads", whole),
        ("assets", 2): ("cost", money),
        ("stack", 2): ("monthly_cost", money),
    }
    assert rows(conn, "select quantity from raw.bookings order by line") == [
        {"quantity": Decimal("999999999.999999")},
        {"quantity": Decimal("0.000001")},
    ]
    assert rows(conn, "select leads, bookings from raw.channels") == [
        {"leads": 999999999, "bookings": -999999999}
    ]
    for name in ("bookings", "invoices", "channels", "assets", "stack"):
        file_loads(conn, name)


PERSONA_REPORTS = ("ceo", "cto", "cfo", "cmo", "accounting")


def test_the_metric_store_and_every_report_hold_a_ledger_totalling_almost_10_to_the_15(
    portfolio,
):
    # A million lines at the limit total under 10^15 (docs/decisions.md #18). Loading a million
    # lines would make a slow test, so their sums are written to raw.ledger as a few lines: the
    # metric store only ever sees sums. Round amounts on a Saturday, twice to the same payee: a
    # line counted under several expense rules.
    entities = [
        {
            "id": "shop",
            "name": "Shop",
            "kind": "charter",
            "opening_cash": 1000,
            "kpis": [
                {"metric": metric, "target": 1}
                for metric in ("cash_end", "revenue", "runway_months", "break_even_revenue")
            ],
        }
    ]
    path = portfolio(
        {"shop/ledger.csv": LEDGER_HEADER + "T1,2025-01-05,4000,100.00,Sale,Acme\n"},
        entities,
        cmo={
            "milestones": [
                {
                    "title": "Cash",
                    "entity": "shop",
                    "due": "2025-03-31",
                    "metric": "cash_end",
                    "target": 1,
                }
            ]
        },
    )
    conn = load(path, metrics=False)
    huge = [
        ("H1", "2025-02-01", "4000", "400000000000000.00"),
        ("H2", "2025-02-01", "5000", "-150000000000000.00"),
        ("H3", "2025-02-01", "6000", "-100000000000000.00"),
        ("H4", "2025-02-01", "6000", "-100000000000000.00"),
        ("H5", "2025-03-01", "6200", "-100000000000000.00"),
        ("H6", "2025-03-01", "1500", "-99999999999999.99"),
    ]
    for txn_id, day, account, amount in huge:
        conn.execute(
            "insert into raw.ledger by name select 'shop' as entity_id, 'shop/ledger.csv' as "
            "source_file, 100 as line, ? as txn_id, ?::date as date, ? as account_code, "
            "?::decimal(18, 2) as amount, 'Big' as description, 'Big Co' as counterparty",
            [txn_id, day, account, amount],
        )
    build_all(conn)
    burn = rows(conn, "select month, cash_end from metrics.burn order by month")
    assert [r["cash_end"] for r in burn] == [
        Decimal("1100.00"),
        Decimal("50000000001100.00"),
        Decimal("-149999999998899.99"),
    ]
    gaps = rows(conn, "select actual from metrics.kpi_gaps where kpi = 'revenue' order by month")
    assert [r["actual"] for r in gaps] == [
        Decimal("100.0000"),
        Decimal("400000000000000.0000"),
        Decimal("0.0000"),
    ]
    for kind in PERSONA_REPORTS:
        _, editions = build_report(conn, path, kind, "2025-03")
        assert editions


def test_every_number_of_the_demo_at_its_limit_builds_every_report(tmp_path):
    """The demo portfolio with every money cell at ±999,999,999.99, every number cell at its
    largest or smallest (0.000001) and every whole number at 999,999,999."""
    data = tmp_path / "data"
    generate(data)
    for path in sorted(data.rglob("*.csv")):
        if path.stem not in TABLES_BY_NAME:  # an export (JADA's Stripe files): not the contract's
            continue
        table = TABLES_BY_NAME[path.stem]
        with path.open(newline="", encoding="utf-8") as handle:
            header, *records = list(csv.reader(handle))
        types = [table.column(name).type for name in header]
        for number, record in enumerate(records):
            for position, kind in enumerate(types):
                cell = record[position]
                if not cell:
                    continue
                if kind == "money":
                    record[position] = ("-" if cell.startswith("-") else "") + "999999999.99"
                elif kind == "decimal":
                    record[position] = "0.000001" if number % 2 else "999999999.999999"
                elif kind == "integer":
                    record[position] = "999999999"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows([header, *records])
    config_data = yaml.safe_load((REPO / "reporting.yaml").read_text(encoding="utf-8"))
    config_data["data_dir"] = str(data)
    config_path = tmp_path / "reporting.yaml"
    config_path.write_text(yaml.safe_dump(config_data, sort_keys=False), encoding="utf-8")
    config = load_config(config_path)
    conn = load(config_path)
    # only the demo's one deliberately malformed row
    assert [r["table_name"] for r in rows(conn, "select table_name from quarantine.rows")] == [
        "bookings"
    ]
    for report, spec in specs().items():
        for entity_id in spec.entities(config):
            _, rendered = build_report(conn, config_path, report, "2026-10", entity_id)
            assert rendered


def test_a_break_even_on_a_sliver_of_margin_is_no_break_even_point(portfolio):
    # fixed 10M x revenue 10M / margin 0.01 = 10^16: beyond any amount the metric store holds
    path = portfolio(
        {
            "shop/ledger.csv": LEDGER_HEADER
            + "T1,2025-01-05,4000,10000000.00,Sale,Acme\n"
            + "T2,2025-01-06,5000,-9999999.99,Fuel,Dock\n"
            + "T3,2025-01-07,6000,-10000000.00,Rent,Landlord\n"
            + "T4,2025-02-05,4000,100.00,Sale,Acme\n"
            + "T5,2025-02-06,5000,-99.99,Fuel,Dock\n"
            + "T6,2025-02-07,6000,-100.00,Rent,Landlord\n"
        }
    )
    conn = load(path)
    assert rows(
        conn, "select month, break_even_revenue, revenue_gap from metrics.break_even order by month"
    ) == [
        {"month": date(2025, 1, 1), "break_even_revenue": None, "revenue_gap": None},
        # 100 x 100 / 0.01: large, but within reach of the store
        {
            "month": date(2025, 2, 1),
            "break_even_revenue": Decimal("1000000.00"),
            "revenue_gap": Decimal("999900.00"),
        },
    ]


def test_a_gap_closing_by_a_cent_a_month_is_not_a_projection(portfolio):
    # break-even revenue is the fixed cost (no variable cost): the gap shrinks by 0.01 a month,
    # which would need a hundred million months
    lines = [
        f"F{m},2025-0{m}-02,6000,-1000000.00,Rent,Landlord\nS{m},2025-0{m}-03,4000,{99 + m / 100:.2f},Sale,Acme\n"
        for m in range(1, 5)
    ]
    conn = load(portfolio({"shop/ledger.csv": LEDGER_HEADER + "".join(lines)}))
    trend = rows(
        conn,
        "select month, revenue_gap, break_even_status, months_to_break_even "
        "from metrics.break_even_trend order by month",
    )
    assert [r["revenue_gap"] for r in trend] == [
        Decimal("999900.99"),
        Decimal("999900.98"),
        Decimal("999900.97"),
        Decimal("999900.96"),
    ]
    assert {r["break_even_status"] for r in trend} == {"not on current trend"}
    assert {r["months_to_break_even"] for r in trend} == {None}


# -- 2. line ends, blank lines, NUL bytes, no rows ------------------------------------------------

LEDGER_LINES = [
    "T1,2025-01-05,4000,10.00,Sale,Acme",
    'T2,2025-01-06,6000,-3.00,"Rent, January",Landlord',
    "T3,2025-01-07,6000,-4.00,Fee,Bank",
]
EXPECTED_ROWS = [
    {"line": 2, "txn_id": "T1", "amount": Decimal("10.00"), "description": "Sale"},
    {"line": 3, "txn_id": "T2", "amount": Decimal("-3.00"), "description": "Rent, January"},
    {"line": 4, "txn_id": "T3", "amount": Decimal("-4.00"), "description": "Fee"},
]


def ledger_rows(conn) -> list[dict]:
    return rows(conn, "select line, txn_id, amount, description from raw.ledger order by line")


def ledger_bytes(ends: list[str]) -> bytes:
    """The header and LEDGER_LINES, the n-th record ended by ends[n]."""
    records = [LEDGER_HEADER.strip(), *LEDGER_LINES]
    return "".join(record + end for record, end in zip(records, ends, strict=True)).encode()


@pytest.mark.parametrize(
    "ends",
    [
        pytest.param(["\n"] * 4, id="LF"),
        pytest.param(["\r\n"] * 4, id="CRLF"),
        pytest.param(["\r"] * 4, id="old Mac CR"),
        pytest.param(["\r\n", "\r", "\n", "\r\n"], id="mixed CR LF CRLF"),
        pytest.param(["\n", "\r\n", "\n", "\r\n"], id="mixed LF CRLF"),
        pytest.param(["\r", "\r", "\r", ""], id="CR, no line end at the end"),
        pytest.param(["\n", "\n", "\n", ""], id="LF, no line end at the end"),
    ],
)
def test_any_line_ends_give_the_rows_and_line_numbers_of_the_lf_file(portfolio, tmp_path, ends):
    path = portfolio({"shop/ledger.csv": ""})
    write_file(tmp_path, "shop/ledger.csv", ledger_bytes(ends))
    conn = load(path, metrics=False)
    assert ledger_rows(conn) == EXPECTED_ROWS
    assert quarantine(conn) == []
    assert file_loads(conn) == {"shop/ledger.csv": (3, 3, 0)}


def test_a_file_with_lf_or_crlf_line_ends_is_read_as_it_is(tmp_path):
    # ingest speed: only a file that needs it is copied before DuckDB reads it
    plain = tmp_path / "plain.csv"
    for ends in (["\n"] * 4, ["\r\n"] * 4, ["\n"] * 3 + [""], ["\n"] * 3 + ["\n\n\n"]):
        plain.write_bytes(ledger_bytes(ends))
        readable = readable_file(plain, tmp_path)
        assert readable.path == plain and readable.changes == ()
    plain.write_bytes(ledger_bytes(["\r"] * 4))
    readable = readable_file(plain, tmp_path)
    assert readable.path != plain and readable.changes == (
        "old Mac line ends (CR): records now end in LF",
    )


def test_blank_lines_are_no_rows_but_count_in_line_numbers(portfolio, tmp_path):
    path = portfolio({"shop/ledger.csv": ""})
    content = (
        LEDGER_HEADER
        + LEDGER_LINES[0]
        + "\n\n\n"  # lines 3 and 4 blank
        + "T9,2025-01-06,6000,-3.00,Rent,Landlord,extra field\n"  # 5: malformed
        + LEDGER_LINES[1]
        + "\n\r\n"  # 6, then 7 blank
        + "T8,2025-01-07,6000,ten,Fee,Bank\n"  # 8: not an amount
        + LEDGER_LINES[2]  # 9
        + "\n\n"  # a trailing blank line
    )
    write_file(tmp_path, "shop/ledger.csv", content.encode())
    conn = load(path, metrics=False)
    assert [(r["line"], r["txn_id"]) for r in ledger_rows(conn)] == [
        (2, "T1"),
        (6, "T2"),
        (9, "T3"),
    ]
    assert [(r["line"], r["column_name"], r["value"]) for r in quarantine(conn)] == [
        (5, None, "T9,2025-01-06,6000,-3.00,Rent,Landlord,extra field"),
        (8, "amount", "ten"),
    ]
    assert file_loads(conn) == {"shop/ledger.csv": (5, 3, 2)}


def test_a_quoted_value_keeps_its_own_line_ends_and_spans_one_record(portfolio, tmp_path):
    path = portfolio({"shop/ledger.csv": ""})
    content = (
        LEDGER_HEADER.strip().encode()
        + b'\rT1,2025-01-05,4000,10.00,"two\r\rlines",Acme\n'  # a blank line inside the value
        + b'T2,2025-01-06,6000,-3.00,"a ""quoted"" word",Landlord\r\n\r\n'
        + b"T3,2025-01-07,6000,-4.00,Fee,Bank\r"
    )
    write_file(tmp_path, "shop/ledger.csv", content)
    conn = load(path, metrics=False)
    assert ledger_rows(conn) == [
        {"line": 2, "txn_id": "T1", "amount": Decimal("10.00"), "description": "two\r\rlines"},
        {"line": 3, "txn_id": "T2", "amount": Decimal("-3.00"), "description": 'a "quoted" word'},
        {"line": 5, "txn_id": "T3", "amount": Decimal("-4.00"), "description": "Fee"},
    ]


def test_a_line_of_spaces_is_a_malformed_row(portfolio, tmp_path):
    path = portfolio({"shop/ledger.csv": ""})
    content = LEDGER_HEADER + LEDGER_LINES[0] + "\n   \n" + LEDGER_LINES[2] + "\n"
    write_file(tmp_path, "shop/ledger.csv", content.encode())
    conn = load(path, metrics=False)
    assert [(r["line"], r["txn_id"]) for r in ledger_rows(conn)] == [(2, "T1"), (4, "T3")]
    [row] = quarantine(conn)
    assert (row["line"], row["value"]) == (3, "   ")
    assert row["reason"].startswith("malformed row: Expected Number of Columns: 6 Found: 1")
    assert file_loads(conn) == {"shop/ledger.csv": (3, 2, 1)}


def test_a_nul_byte_in_a_cell_quarantines_its_row(portfolio, tmp_path):
    path = portfolio({"shop/ledger.csv": ""})
    content = LEDGER_HEADER + "T1,2025-01-05,4000,10.00,Sa\x00le,Acme\n" + LEDGER_LINES[2] + "\n"
    write_file(tmp_path, "shop/ledger.csv", content.encode())
    conn = load(path, metrics=False)
    assert [r["txn_id"] for r in ledger_rows(conn)] == ["T3"]
    assert quarantine(conn) == [
        {
            "source_file": "shop/ledger.csv",
            "line": 2,
            "column_name": "description",
            "value": "Sa\x00le",
            "reason": "a NUL byte (\\0) in the value: the file is not plain text (UTF-16 or "
            "binary?); save it as CSV UTF-8",
        }
    ]
    assert file_loads(conn) == {"shop/ledger.csv": (2, 1, 1)}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"",
            "line 1: expected a header row with the columns txn_id, date, account_code, amount, "
            "description, counterparty",
            id="empty file",
        ),
        pytest.param(
            b"\n" + LEDGER_HEADER.encode(),
            "line 1: expected a header row with the columns txn_id, date, account_code, amount, "
            "description, counterparty",
            id="blank first line",
        ),
        pytest.param(
            LEDGER_HEADER.replace("amount", "amo\x00unt").encode(),
            "line 1: a NUL byte in the header: not UTF-8 text (UTF-16 or a binary file?); "
            "save the file as CSV UTF-8",
            id="NUL byte in the header",
        ),
        pytest.param(
            LEDGER_HEADER.encode()
            + b"T1,2025-01-05,4000,1.00,x,y\n\n\r\nT2,2025-01-06,4000,1.00,R\xe9nt,y\n",
            "line 5: not UTF-8 text; save the file as UTF-8",
            id="not UTF-8 after blank lines",
        ),
    ],
)
def test_a_file_that_cannot_be_read_fails_naming_the_file_and_line(
    portfolio, tmp_path, content, message
):
    path = portfolio({"shop/ledger.csv": ""})
    write_file(tmp_path, "shop/ledger.csv", content)
    with pytest.raises(IngestError) as error:
        load(path, metrics=False)
    assert error.value.problems == [f"{tmp_path / 'data' / 'shop' / 'ledger.csv'}: {message}"]


@pytest.mark.parametrize("end", ["", "\n", "\r\n", "\r", "\n\n"])
def test_a_header_only_file_is_a_file_with_no_rows(portfolio, tmp_path, end):
    path = portfolio({"shop/ledger.csv": ""})
    write_file(tmp_path, "shop/ledger.csv", (LEDGER_HEADER.strip() + end).encode())
    conn = load(path, metrics=False)
    assert ledger_rows(conn) == [] and quarantine(conn) == []
    assert file_loads(conn) == {"shop/ledger.csv": (0, 0, 0)}


# -- 3. dates: each column has a window -----------------------------------------------------------


def test_a_ledger_line_before_first_month_is_quarantined_and_changes_no_cash(portfolio):
    path = portfolio(
        {
            "shop/ledger.csv": LEDGER_HEADER
            + "T0,1899-12-31,4000,120.00,Empty date,Acme\n"
            + "T1,2024-10-31,4000,50.00,The day before,Acme\n"
            + "T2,2024-11-01,4000,100.00,Sale,Acme\n"
            + "T3,2024-12-20,6000,-30.00,Rent,Landlord\n"
        },
        [{"id": "shop", "name": "Shop", "kind": "charter", "opening_cash": 1000}],
        first_month="2024-11",
    )
    conn = load(path)
    reason = (
        "is before first_month 2024-11: the reports start on 2024-11-01 "
        "(opening_cash in reporting.yaml is the cash on that day)"
    )
    assert quarantine(conn) == [
        {
            "source_file": "shop/ledger.csv",
            "line": 2,
            "column_name": "date",
            "value": "1899-12-31",
            "reason": f"date 1899-12-31 {reason}",
        },
        {
            "source_file": "shop/ledger.csv",
            "line": 3,
            "column_name": "date",
            "value": "2024-10-31",
            "reason": f"date 2024-10-31 {reason}",
        },
    ]
    assert file_loads(conn) == {"shop/ledger.csv": (4, 2, 2)}
    assert rows(conn, "select month, cash_end from metrics.burn order by month") == [
        {"month": date(2024, 11, 1), "cash_end": Decimal("1100.00")},
        {"month": date(2024, 12, 1), "cash_end": Decimal("1070.00")},
    ]
    assert conn.execute("select count(*) from metrics.entity_months").fetchone()[0] == 2


def test_a_ledger_line_after_today_plus_future_days_is_quarantined(portfolio):
    ledger = (
        LEDGER_HEADER
        + "T1,2026-12-03,4000,1.00,Today,Acme\n"
        + "T2,2026-12-06,4000,1.00,Posted ahead,Acme\n"
        + "T3,2026-12-07,4000,1.00,A day too far,Acme\n"
        + "T4,2999-01-01,4000,1.00,Typo,Acme\n"
    )
    path = portfolio({"shop/ledger.csv": ledger}, first_month="2024-11")
    conn = load(path, metrics=False)
    assert [r["txn_id"] for r in rows(conn, "select txn_id from raw.ledger order by line")] == [
        "T1",
        "T2",
    ]
    assert [(r["line"], r["reason"]) for r in quarantine(conn)] == [
        (
            4,
            "date 2026-12-07 is after today 2026-12-03 plus 3 days (quality.future_days): it "
            "cannot have happened yet",
        ),
        (
            5,
            "date 2999-01-01 is after today 2026-12-03 plus 3 days (quality.future_days): it "
            "cannot have happened yet",
        ),
    ]
    # the tolerance is a setting; the run date is the load's
    path = portfolio({"shop/ledger.csv": ledger}, first_month="2024-11", quality={"future_days": 0})
    conn = load(path, metrics=False, run_date=date(2026, 12, 6))
    assert [r["txn_id"] for r in rows(conn, "select txn_id from raw.ledger order by line")] == [
        "T1",
        "T2",
    ]
    assert quarantine(conn)[0]["reason"].startswith(
        "date 2026-12-07 is after today 2026-12-06 plus 0 days"
    )


def test_a_line_dated_2999_no_longer_makes_a_month_covered(portfolio):
    # the cafe's data stops on February 20th; a mistyped line must not close February
    path = portfolio(
        {
            "shop/ledger.csv": LEDGER_HEADER + "S1,2025-02-28,4000,1.00,Sale,Acme\n",
            "cafe/ledger.csv": LEDGER_HEADER
            + "C1,2025-02-20,4000,1.00,Sale,Guest\n"
            + "C2,2999-02-20,4000,1.00,Typo,Guest\n",
        },
        [
            {"id": "shop", "name": "The Shop", "kind": "charter"},
            {"id": "cafe", "name": "The Cafe", "kind": "charter"},
        ],
    )
    conn = load(path)
    gaps = period_gaps(conn, load_config(path), "2025-02")
    assert [(g.entity_id, g.covers_through) for g in gaps] == [("cafe", date(2025, 2, 20))]
    # ... and the command line's default month is the month the data reaches
    assert latest_ledger_date(load_config(path), run_date=RUN_DATE) == date(2025, 2, 28)


def test_the_latest_ledger_date_ignores_dates_outside_the_report_window(portfolio, tmp_path):
    path = portfolio(
        {
            "shop/ledger.csv": LEDGER_HEADER
            + "S1,2025-03-10,4000,1.00,Sale,Acme\n"
            + "S2,2026-12-07,4000,1.00,Too far ahead,Acme\n"
        },
        first_month="2025-01",
    )
    config = load_config(path)
    assert latest_ledger_date(config, run_date=RUN_DATE) == date(2025, 3, 10)
    assert latest_ledger_date(config, run_date=date(2026, 12, 4)) == date(2026, 12, 7)
    # read as ingest reads it: mixed line ends do not hide the dates
    write_file(
        tmp_path,
        "shop/ledger.csv",
        LEDGER_HEADER.encode() + b"S1,2025-03-10,4000,1.00,x,y\r\nS2,2025-04-11,4000,1.00,x,y\n",
    )
    assert latest_ledger_date(config, run_date=RUN_DATE) == date(2025, 4, 11)
    # before first_month only: nothing in the window
    write_file(tmp_path, "shop/ledger.csv", (LEDGER_HEADER + "S1,2024-12-31,4000,1,x,y\n").encode())
    assert latest_ledger_date(config, run_date=RUN_DATE) is None


# Per table: the columns of one row, then for some columns a value that loads and values that are
# quarantined with the end of their reason. first_month is 2024-11, the run date 2026-12-03.
AFTER_TODAY = (
    "is after today 2026-12-03 plus 3 days (quality.future_days): it cannot have happened yet"
)
PLAUSIBLE = "is after 2076-12-03 (today plus 50 years): not a plausible date"
ROW_TEMPLATES = {
    "balances": ("date,balance", {"date": "2025-01-31", "balance": "1.00"}),
    "bookings": (
        "booking_id,channel,booked_on,service_date,amount,paid_on,status",
        {
            "booking_id": "B",
            "channel": "direct",
            "booked_on": "2025-01-02",
            "service_date": "2025-02-01",
            "amount": "1.00",
            "paid_on": "",
            "status": "confirmed",
        },
    ),
    "invoices": (
        "invoice_id,client,issued_on,due_on,amount,paid_on,paid_amount,hours",
        {
            "invoice_id": "I",
            "client": "Acme",
            "issued_on": "2025-01-02",
            "due_on": "2025-02-01",
            "amount": "1.00",
            "paid_on": "",
            "paid_amount": "",
            "hours": "",
        },
    ),
    "channels": (
        "month,channel,listed,spend,leads,bookings,revenue",
        {"month": "2025-01", "channel": "c", "listed": "yes"},
    ),
    "assets": (
        "asset_id,name,category,acquired_on,cost,book_value,status",
        {"asset_id": "A", "name": "Boat", "category": "vessel", "cost": "1.00"},
    ),
    "stack": (
        "component,provider,category,monthly_cost,mfa,backups,tls_expires_on,last_deploy_on,"
        "dependencies_updated_on,ci,monitoring",
        {
            "component": "s",
            "monthly_cost": "1.00",
            "mfa": "yes",
            "backups": "yes",
            "ci": "yes",
            "monitoring": "yes",
        },
    ),
}
# (table, column, values that load, {value: end of the quarantine reason})
DATE_CASES = [
    (
        "balances",
        "date",
        ["2024-10-31", "2026-12-06"],
        {
            "2024-10-30": "is before 2024-10-31, the day before first_month 2024-11: only "
            "statements from that day on are compared (its closing balance is the opening cash)",
            "2026-12-07": AFTER_TODAY,
        },
    ),
    (
        "bookings",
        "booked_on",
        ["1970-01-01", "2019-05-01", "2026-12-06"],
        {"1969-12-31": "is before 1970-01-01: not a plausible date", "2026-12-07": AFTER_TODAY},
    ),
    ("bookings", "service_date", ["1970-01-01", "2076-12-03"], {"2076-12-04": PLAUSIBLE}),
    ("bookings", "paid_on", ["2020-02-02", "2026-12-06"], {"2027-01-01": AFTER_TODAY}),
    ("invoices", "issued_on", ["2020-02-02"], {"2999-01-01": AFTER_TODAY}),
    (
        "invoices",
        "due_on",
        ["2030-01-01"],
        {"2999-01-01": PLAUSIBLE, "0205-01-01": "is before 1970-01-01: not a plausible date"},
    ),
    ("invoices", "paid_on", ["2026-12-06"], {"2026-12-07": AFTER_TODAY}),
    (
        "channels",
        "month",
        ["2019-01", "2026-12", "2026-12-01"],
        {"2027-01": AFTER_TODAY, "1969-12": "is before 1970-01-01: not a plausible date"},
    ),
    (
        "assets",
        "acquired_on",
        ["1900-01-01", "1965-06-01", "2027-03-01"],
        {"1899-12-30": "is before 1900-01-01: not a plausible date", "2099-01-01": PLAUSIBLE},
    ),
    ("stack", "tls_expires_on", ["2030-01-01"], {"2999-01-01": PLAUSIBLE}),
    ("stack", "last_deploy_on", ["2001-01-01", "2026-12-06"], {"2026-12-25": AFTER_TODAY}),
    ("stack", "dependencies_updated_on", ["2026-12-01"], {"2027-06-01": AFTER_TODAY}),
]


@pytest.mark.parametrize(
    ("table_name", "column", "good", "bad"),
    DATE_CASES,
    ids=[f"{case[0]}.{case[1]}" for case in DATE_CASES],
)
def test_each_date_column_keeps_to_its_window(portfolio, table_name, column, good, bad):
    header, template = ROW_TEMPLATES[table_name]
    names = header.split(",")
    values = good + list(bad)
    # every row its own key
    key = {"balances": None, "channels": "channel"}.get(table_name, names[0])
    lines = []
    for number, value in enumerate(values):
        row = {**template, column: value}
        if key:
            row[key] = f"{row[key]}{number}"
        lines.append(",".join(row.get(name, "") for name in names))
    path = portfolio(
        {
            "shop/ledger.csv": LEDGER_HEADER + "T1,2025-01-05,4000,1.00,Sale,Acme\n",
            f"shop/{table_name}.csv": header + "\n" + "\n".join(lines) + "\n",
        },
        first_month="2024-11",
    )
    conn = load(path, metrics=False)
    column_type = TABLES_BY_NAME[table_name].column(column).type
    assert {
        r["line"]: (r["column_name"], r["value"], r["reason"]) for r in quarantine(conn, table_name)
    } == {
        len(good) + 2 + position: (column, value, f"{column_type} {value} {reason}")
        for position, (value, reason) in enumerate(bad.items())
    }
    loaded = conn.execute(f"select count(*) from raw.{table_name}").fetchone()[0]
    assert loaded == len(good)
    assert file_loads(conn, table_name) == {
        f"shop/{table_name}.csv": (len(values), len(good), len(bad))
    }


def test_the_documented_date_windows_match_the_contract():
    doc = (REPO / "docs" / "data-contract.md").read_text(encoding="utf-8")
    section = doc.split("### Dates", 1)[1].split("\n### ", 1)[0]
    documented = {
        cells[1].strip(): {c.strip() for c in cells[4].split(",")}
        for cells in (line.split("|") for line in section.splitlines() if line.startswith("| "))
        if cells[1].strip() not in ("window", "---")
    }
    in_code = {
        window.name: {
            f"{table.name}.{column.name}"
            for table in TABLES
            for column in table.columns
            if column.window == window
        }
        for window in DATE_WINDOWS
    }
    assert documented == in_code
    dated = [c for t in TABLES for c in t.columns if c.type in ("date", "month")]
    assert all(column.window in DATE_WINDOWS for column in dated)


def test_a_10_mb_field_quarantines_its_row_by_line_and_the_rest_loads(portfolio):
    """A cell far beyond any real description (here 10 MB, as a broken export or a hostile file
    may hold) cannot reach a report: its row is quarantined with the file, line and reason, and
    the rows around it load."""
    huge = "x" * (10 * 1024 * 1024)
    config_path = portfolio(
        {
            "shop/ledger.csv": LEDGER_HEADER
            + "T1,2025-01-05,4000,100.00,Sale,Customer\n"
            + f"T2,2025-01-06,4000,50.00,{huge},Customer\n"
            + "T3,2025-01-07,6000,-10.00,Fee,Bank\n"
        }
    )
    config = load_config(config_path)
    conn = connect(":memory:", ":memory:")
    write_config_tables(conn, config)
    load_all(conn, config)
    assert rows(conn, "select txn_id from raw.ledger order by txn_id") == [
        {"txn_id": "T1"},
        {"txn_id": "T3"},
    ]
    (quarantined,) = rows(conn, "select source_file, line, reason from quarantine.rows")
    assert quarantined["source_file"] == "shop/ledger.csv" and quarantined["line"] == 3
    assert "Maximum line size" in quarantined["reason"]
    (loaded,) = rows(
        conn,
        "select rows_read, rows_loaded, rows_quarantined from ingest.file_loads "
        "where table_name = 'ledger'",
    )
    assert loaded == {"rows_read": 3, "rows_loaded": 2, "rows_quarantined": 1}
