"""Any bank CSV (format `bank_csv`): the mapping says which column is what, how dates and
amounts are written and how money out is signed; nothing else is guessed. Amounts as banks
write them are read; what cannot be read is quarantined naming the file, line, column and
reason; title rows, total rows, encodings and line ends hold; identical lines stay two lines and
an overlapping export adds nothing twice."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest
from conftest import rows

from exec_reporting.config import load_config
from exec_reporting.contract import table
from exec_reporting.ingest import IngestError, load_table

ENTITY = "cafe"
MAPPING = {
    "format": "bank_csv",
    "path": "card.csv",
    "columns": {"date": "Posted", "amount": "Amount", "description": "Payee"},
    "date_format": "%m/%d/%Y",
    "decimal": ".",
    "sign": "expenses_negative",
}


def csv_portfolio(portfolio, tmp_path, content: bytes, name="card.csv", **mapping):
    source = {**MAPPING, "path": name, **mapping}
    entity = {"id": ENTITY, "name": "Cafe", "kind": "holding", "sources": [source]}
    path = portfolio({}, entities=[entity])
    folder = tmp_path / "data" / ENTITY
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return path


def load_ledger(config_path):
    conn = duckdb.connect()
    result = load_table(conn, load_config(config_path), table("ledger"))
    return conn, result


def ledger(conn) -> list[dict]:
    return rows(
        conn,
        "select line, date, amount, description, counterparty from raw.ledger "
        "order by source_file, line",
    )


def quarantine(conn) -> list[dict]:
    return rows(
        conn,
        "select source_file, line, column_name, value, reason from quarantine.rows "
        "order by source_file, line",
    )


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


# -- 1. amounts as banks write them -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "decimal_mark", "amount"),
    [
        ("12.50", ".", "12.50"),
        ("-12.50", ".", "-12.50"),
        ('"$1,234.56"', ".", "1234.56"),
        ('"-$1,234.56"', ".", "-1234.56"),
        ("$-7.00", ".", "-7.00"),
        ("(12.00)", ".", "-12.00"),
        ("($12.00)", ".", "-12.00"),
        ("12.00-", ".", "-12.00"),
        ("USD 9.99", ".", "9.99"),
        ("9.99 USD", ".", "9.99"),
        ("+3", ".", "3.00"),
        (".5", ".", "0.50"),
        ('"1 234.56"', ".", "1234.56"),
        ("1'234.56", ".", "1234.56"),
        ('"1 234,56"', ",", "1234.56"),
        ('"1.234,56"', ",", "1234.56"),
        ('"-12,5"', ",", "-12.50"),
        ('"12,00-"', ",", "-12.00"),
        ('"1\u00a0234,56 €"', ",", "1234.56"),
        ("\u22127.25", ".", "-7.25"),
    ],
)
def test_amounts_as_banks_write_them(portfolio, tmp_path, written, decimal_mark, amount):
    content = f"Posted,Amount,Payee\n01/05/2025,{written},Shop\n".encode()
    path = csv_portfolio(portfolio, tmp_path, content, decimal=decimal_mark)
    conn, _ = load_ledger(path)
    assert quarantine(conn) == []
    assert [r["amount"] for r in ledger(conn)] == [Decimal(amount)]


@pytest.mark.parametrize(
    ("written", "decimal_mark", "value", "reason"),
    [
        (
            "ten",
            ".",
            "ten",
            "expected an amount with the decimal mark '.' and at most 2 decimals, such as "
            "1,234.56, -12.00, (12.00) or 12.00- (decimal in reporting.yaml)",
        ),
        ("", ".", None, "missing value: Amount is empty"),
        ("12.345", ".", "12.345", None),
        ('"1,23"', ".", "1,23", None),
        ("1e5", ".", "1e5", None),
        ("-(12.00)", ".", "-(12.00)", None),
        ("(12.00", ".", "(12.00", None),
        (
            "12.50",
            ",",
            "12.50",
            "expected an amount with the decimal mark ',' and at most 2 decimals, such as "
            "1.234,56, -12,00, (12,00) or 12,00- (decimal in reporting.yaml)",
        ),
        (
            "1000000000.00",
            ".",
            "1000000000.00",
            "expected an amount of at most 999,999,999.99 in absolute value",
        ),
    ],
)
def test_an_amount_that_is_not_one_is_quarantined_with_file_line_column_and_reason(
    portfolio, tmp_path, written, decimal_mark, value, reason
):
    good = "1.00" if decimal_mark == "." else '"1,00"'
    content = f"Posted,Amount,Payee\n01/05/2025,{good},Good\n01/06/2025,{written},Bad\n"
    path = csv_portfolio(portfolio, tmp_path, content.encode(), decimal=decimal_mark)
    conn, _ = load_ledger(path)
    [row] = quarantine(conn)
    # a value beyond the limit is refused by the contract's own check, under its column name
    column = "amount" if "at most 999" in (reason or "") else "Amount"
    assert (row["source_file"], row["line"], row["column_name"], row["value"]) == (
        "cafe/card.csv",
        3,
        column,
        value,
    )
    if reason:
        assert row["reason"] == reason
    else:
        assert row["reason"].startswith("expected an amount with the decimal mark '.'")
    assert counts(conn) == {"cafe/card.csv": (2, 1, 1, 0)}


def test_money_out_written_positive_becomes_negative(portfolio, tmp_path):
    content = b"Posted,Amount,Payee\n01/05/2025,25.00,Fuel\n01/06/2025,(10.00),Refund\n"
    path = csv_portfolio(portfolio, tmp_path, content, sign="expenses_positive")
    conn, _ = load_ledger(path)
    assert [(r["description"], r["amount"]) for r in ledger(conn)] == [
        ("Fuel", Decimal("-25.00")),
        ("Refund", Decimal("10.00")),
    ]


def test_debit_and_credit_columns(portfolio, tmp_path):
    content = (
        "Date;Text;Soll;Haben\n"
        "05.01.2025;Miete;1.250,00;\n"
        "06.01.2025;Einnahmen;;2.340,50\n"
        "07.01.2025;Gebühr;-9,90;\n"
        "08.01.2025;Null;0,00;5,00\n"
        "09.01.2025;Leer;;\n"
        "10.01.2025;Beides;1,00;2,00\n"
    ).encode()
    path = csv_portfolio(
        portfolio,
        tmp_path,
        content,
        columns={"date": "Date", "debit": "Soll", "credit": "Haben", "description": "Text"},
        sign=None,
        delimiter=";",
        decimal=",",
        date_format="%d.%m.%Y",
    )
    conn, _ = load_ledger(path)
    assert [(r["description"], r["amount"]) for r in ledger(conn)] == [
        ("Miete", Decimal("-1250.00")),
        ("Einnahmen", Decimal("2340.50")),
        # a debit written with a sign is still money out: the column says which way it goes
        ("Gebühr", Decimal("-9.90")),
        ("Null", Decimal("5.00")),
    ]
    assert quarantine(conn) == [
        {
            "source_file": "cafe/card.csv",
            "line": 6,
            "column_name": "Soll",
            "value": None,
            "reason": "missing value: Soll and Haben are both empty",
        },
        {
            "source_file": "cafe/card.csv",
            "line": 7,
            "column_name": "Soll",
            "value": "1,00",
            "reason": "both Soll (1,00) and Haben (2,00) hold an amount: expected money out or "
            "money in, not both",
        },
    ]


# -- 2. dates: the configured format, never a guess ------------------------------------------------


def test_dates_are_read_with_the_configured_format_only(portfolio, tmp_path):
    content = (
        b"Posted,Amount,Payee\n"
        b"02/03/2025,1.00,February third\n"
        b"2025-02-03,1.00,ISO\n"
        b"13/02/2025,1.00,Day first\n"
        b"02/30/2025,1.00,Impossible\n"
        b",1.00,Empty\n"
        b"02/04/2999,1.00,Future\n"
    )
    path = csv_portfolio(portfolio, tmp_path, content)
    conn, _ = load_ledger(path)
    assert [(r["line"], r["date"]) for r in ledger(conn)] == [(2, date(2025, 2, 3))]
    expected_format = (
        "expected a date written as %m/%d/%Y (such as 01/31/2025; date_format in reporting.yaml)"
    )
    assert [(r["line"], r["column_name"], r["value"], r["reason"]) for r in quarantine(conn)] == [
        (3, "Posted", "2025-02-03", expected_format),
        (4, "Posted", "13/02/2025", expected_format),
        (5, "Posted", "02/30/2025", expected_format),
        (6, "Posted", None, "missing value: Posted is empty"),
        # the contract's window applies to imported lines as to canonical ones
        (7, "date", "2999-02-04", quarantine(conn)[-1]["reason"]),
    ]
    assert "cannot have happened yet" in quarantine(conn)[-1]["reason"]


# -- 3. the file around the rows: headers, titles, totals, encodings, line ends -------------------

CARD_EXPORT = (
    "Corner Cafe Visa ****4321\r\n"
    "Statement period: 01/01/2025 - 01/31/2025\r\n"
    "\r\n"
    "Trans. Date,Posted,Payee,Amount,Category\r\n"
    '01/03/2025,01/04/2025,SYSCO,"$1,284.60",Supplies\r\n'
    "01/08/2025,01/08/2025,BLUE BOTTLE COFFEE,4.50,Dining\r\n"
    "01/08/2025,01/08/2025,BLUE BOTTLE COFFEE,4.50,Dining\r\n"
    ',,Total,"$1,293.60",\r\n'
)


def test_title_rows_are_found_over_and_a_total_row_left_out(portfolio, tmp_path):
    path = csv_portfolio(
        portfolio,
        tmp_path,
        CARD_EXPORT.encode(),
        sign="expenses_positive",
        skip_footer=1,
    )
    conn, result = load_ledger(path)
    assert [(r["line"], r["description"], r["amount"]) for r in ledger(conn)] == [
        (5, "SYSCO", Decimal("-1284.60")),
        # two identical coffees on one day stay two lines, with two ids
        (6, "BLUE BOTTLE COFFEE", Decimal("-4.50")),
        (7, "BLUE BOTTLE COFFEE", Decimal("-4.50")),
    ]
    assert len({r["txn_id"] for r in rows(conn, "select txn_id from raw.ledger")}) == 3
    assert quarantine(conn) == []
    assert counts(conn) == {"cafe/card.csv": (3, 3, 0, 0)}
    assert result.files[0].ignored_columns == ["Trans. Date", "Category"]
    # the statement period its title states, not its latest line (January 8)
    assert (result.files[0].covers_through, result.files[0].covers_basis) == (
        date(2025, 1, 31),
        "stated",
    )


def test_skip_rows_names_the_header_line(portfolio, tmp_path):
    path = csv_portfolio(
        portfolio,
        tmp_path,
        CARD_EXPORT.encode(),
        sign="expenses_positive",
        skip_rows=3,
        skip_footer=1,
    )
    conn, _ = load_ledger(path)
    assert [r["line"] for r in ledger(conn)] == [5, 6, 7]


def test_a_header_not_where_skip_rows_says_fails_naming_the_line(portfolio, tmp_path):
    path = csv_portfolio(portfolio, tmp_path, CARD_EXPORT.encode(), skip_rows=1)
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    assert error.value.problems == [
        f"{tmp_path / 'data' / ENTITY / 'card.csv'}: line 2: expected the header (skip_rows: 1) "
        "with the column(s) Posted, Amount, Payee of the mapping in reporting.yaml; the line "
        "holds: Statement period: 01/01/2025 - 01/31/2025"
    ]


def test_a_total_row_without_skip_footer_is_quarantined_not_loaded(portfolio, tmp_path):
    path = csv_portfolio(portfolio, tmp_path, CARD_EXPORT.encode())
    conn, _ = load_ledger(path)
    assert [(r["line"], r["reason"]) for r in quarantine(conn)] == [
        (8, "missing value: Posted is empty")
    ]


def test_skip_footer_over_a_dated_row_fails_rather_than_drop_it(portfolio, tmp_path):
    path = csv_portfolio(portfolio, tmp_path, CARD_EXPORT.encode(), skip_footer=2)
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    assert error.value.problems == [
        f"{tmp_path / 'data' / ENTITY / 'card.csv'}: line 7: skip_footer: 2 leaves out a row "
        "dated 01/08/2025 (Posted): expected total rows, without a date; lower skip_footer"
    ]


def test_a_missing_column_fails_naming_the_columns_of_the_mapping(portfolio, tmp_path):
    path = csv_portfolio(portfolio, tmp_path, b"Date,Amount,Payee\n01/05/2025,1.00,Shop\n")
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    assert error.value.problems == [
        f"{tmp_path / 'data' / ENTITY / 'card.csv'}: no header with the column(s) Posted, "
        "Amount, Payee (columns of the mapping in reporting.yaml) in its first 100 lines; check "
        "the names, the delimiter, or set skip_rows"
    ]


TEXT = "Posted,Amount,Payee\n01/05/2025,-4.50,Café Crème\n01/06/2025,-3.00,Bäckerei\n"


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (TEXT.encode("utf-8"), None),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), None),
        (TEXT.encode("utf-16"), None),
        (TEXT.replace("\n", "\r\n").encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("cp1252"), None),
        (TEXT.encode("cp1252"), "windows-1252"),
        (TEXT.encode("latin-1"), "latin-1"),
        (TEXT.replace("\n", "\r\n").encode("cp1252"), "auto"),
        (TEXT.replace("\n", "\r").encode("cp1252"), None),
    ],
    ids=[
        "utf-8",
        "utf-8 byte-order mark",
        "utf-16 byte-order mark",
        "utf-16-le declared, CRLF",
        "windows-1252 found",
        "windows-1252 declared",
        "latin-1 declared",
        "auto, CRLF",
        "old Mac line ends",
    ],
)
def test_text_in_any_encoding_reads_as_written(portfolio, tmp_path, content, encoding):
    path = csv_portfolio(portfolio, tmp_path, content, encoding=encoding)
    conn, _ = load_ledger(path)
    assert [(r["line"], r["description"]) for r in ledger(conn)] == [
        (2, "Café Crème"),
        (3, "Bäckerei"),
    ]


@pytest.mark.parametrize(
    ("content", "encoding", "message"),
    [
        (
            TEXT.encode("utf-8") + "01/07/2025,-1.00,Rösterei\n".encode("cp1252"),
            None,
            "line 4: byte 0xf6 is not UTF-8, but line 2 is: the file mixes encodings",
        ),
        (
            "Posted,Amount,Payee\n01/05/2025,-4.50,Кофе\n".encode("cp1251"),
            None,
            "line 2: not UTF-8, and read as cp1252 it gives 'Êîôå', which looks like text of "
            "another script read in the wrong encoding",
        ),
        (
            (
                "Posted,Amount,Payee\n01/05/2025,-4.50,Кофе и чай\n01/06/2025,-12.00,Магазин "
                "продуктов\n01/07/2025,-3.00,Аптека\n"
            ).encode("cp1251"),
            None,
            "line 2: not UTF-8, and not readable as text in cp1252, iso8859-1 (byte 0xca)",
        ),
        (
            b"Posted,Amount,Payee\n01/05/2025,-4.50,Caf\x81\n",
            "windows-1252",
            "line 2: byte 0x81 is not cp1252 text",
        ),
    ],
    ids=[
        "UTF-8 mixed with Windows-1252",
        "Cyrillic for an en_US locale",
        "Cyrillic, longer",
        "not the declared",
    ],
)
def test_text_that_would_read_as_mojibake_fails_naming_the_line(
    portfolio, tmp_path, content, encoding, message
):
    path = csv_portfolio(portfolio, tmp_path, content, encoding=encoding)
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    [problem] = error.value.problems
    assert problem.startswith(f"{tmp_path / 'data' / ENTITY / 'card.csv'}: {message}")


def test_blank_lines_and_mixed_line_ends_keep_the_files_line_numbers(portfolio, tmp_path):
    content = (
        b"Title\r\n\r\nPosted,Amount,Payee\n01/05/2025,1.00,A\r\n\n01/06/2025,oops,B\r"
        b"01/07/2025,2.00,C,extra\n01/08/2025,3.00,D\n"
    )
    path = csv_portfolio(portfolio, tmp_path, content)
    conn, _ = load_ledger(path)
    assert [(r["line"], r["description"]) for r in ledger(conn)] == [(4, "A"), (8, "D")]
    assert [(r["line"], r["column_name"]) for r in quarantine(conn)] == [
        (6, "Amount"),
        (7, None),
    ]
    assert counts(conn) == {"cafe/card.csv": (4, 2, 2, 0)}


# -- 4. ids: identical lines stay two, an overlapping export adds nothing twice -------------------


def test_an_overlapping_export_adds_each_line_once(portfolio, tmp_path):
    january = (
        b"Posted,Amount,Payee\n01/20/2025,-4.50,Coffee\n01/20/2025,-4.50,Coffee\n"
        b"01/25/2025,-30.00,Fuel\n"
    )
    later = (
        b"Posted,Amount,Payee\n01/20/2025,-4.50,Coffee\n01/20/2025,-4.50,Coffee\n"
        b"01/25/2025,-30.00,Fuel\n02/02/2025,-4.50,Coffee\n"
    )
    path = csv_portfolio(portfolio, tmp_path, january, name="2025-01.csv", path="*.csv")
    (tmp_path / "data" / ENTITY / "2025-02.csv").write_bytes(later)
    conn, _ = load_ledger(path)
    assert [(r["date"], r["amount"]) for r in ledger(conn)] == [
        (date(2025, 1, 20), Decimal("-4.50")),
        (date(2025, 1, 20), Decimal("-4.50")),
        (date(2025, 1, 25), Decimal("-30.00")),
        (date(2025, 2, 2), Decimal("-4.50")),
    ]
    assert counts(conn) == {
        "cafe/2025-01.csv": (3, 3, 0, 0),
        "cafe/2025-02.csv": (4, 1, 0, 3),
    }


def test_the_banks_own_id_is_the_txn_id(portfolio, tmp_path):
    content = b"Posted,Ref,Amount,Payee\n01/05/2025,R1,1.00,A\n01/06/2025,,2.00,B\n"
    path = csv_portfolio(
        portfolio,
        tmp_path,
        content,
        columns={"date": "Posted", "amount": "Amount", "description": "Payee", "id": "Ref"},
    )
    conn, _ = load_ledger(path)
    assert rows(conn, "select txn_id from raw.ledger") == [{"txn_id": "R1"}]
    assert [(r["line"], r["column_name"], r["reason"]) for r in quarantine(conn)] == [
        (3, "Ref", "missing value: Ref is empty")
    ]


def test_two_sources_cannot_claim_one_file(portfolio, tmp_path):
    entity = {
        "id": ENTITY,
        "name": "Cafe",
        "kind": "holding",
        "sources": [MAPPING, {**MAPPING, "path": "*.csv"}],
    }
    path = portfolio({f"{ENTITY}/card.csv": "Posted,Amount,Payee\n01/05/2025,1.00,A\n"}, [entity])
    with pytest.raises(IngestError) as error:
        load_ledger(path)
    assert error.value.problems == [
        f"{tmp_path / 'data' / ENTITY / 'card.csv'}: matched by two sources of entity cafe "
        "(bank_csv card.csv and bank_csv *.csv): give each file one source in reporting.yaml"
    ]


# -- how far an export covers ------------------------------------------------------------------


def covers(conn) -> list[tuple]:
    return [
        (r["covers_through"], r["covers_basis"])
        for r in rows(conn, "select * from ingest.file_loads where table_name = 'ledger'")
    ]


@pytest.mark.parametrize(
    ("title", "date_format", "posted", "expected"),
    [
        # the period's end, though the last line is earlier
        ("Statement period: 09/01/2026 - 10/31/2026", "%m/%d/%Y", "10/21/2026", date(2026, 10, 31)),
        # day first, as the mapping says: 01/10/2026 is October 1 here, never January 10
        ("Period 01/09/2026 to 31/10/2026", "%d/%m/%Y", "21/10/2026", date(2026, 10, 31)),
        # a month written with its name
        ("Statement as of October 31, 2026", "%m/%d/%Y", "10/21/2026", date(2026, 10, 31)),
    ],
)
def test_the_period_a_title_row_states_is_how_far_the_export_covers(
    portfolio, tmp_path, title, date_format, posted, expected
):
    content = f"Corner Cafe Visa\n{title}\n\nPosted,Amount,Payee\n{posted},-4.50,Coffee\n"
    config_path = csv_portfolio(portfolio, tmp_path, content.encode(), date_format=date_format)
    conn, _ = load_ledger(config_path)
    assert covers(conn) == [(expected, "stated")]


def test_without_a_dated_title_row_an_export_covers_through_its_latest_line(portfolio, tmp_path):
    content = b"Corner Cafe Visa ****4321\nPosted,Amount,Payee\n10/02/2026,-4.50,Coffee\n"
    content += b"10/21/2026,-3.00,Tea\n"
    conn, _ = load_ledger(csv_portfolio(portfolio, tmp_path, content))
    assert covers(conn) == [(date(2026, 10, 21), "latest_row")]
