"""The example exports of docs/importing.md (docs/examples/) load as the page says, each through
to metrics.burn: an OFX bank statement and a QFX card statement, a card's CSV export, a European
bank's CSV export and a canonical ledger.csv."""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import load_warehouse, rows

from exec_reporting.checks import run_check_file
from exec_reporting.config import load_config
from exec_reporting.contract import TABLES
from exec_reporting.metrics import relations, run_check

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
DOCS = ROOT / "docs" / "importing.md"


def load_example(name: str, tmp_path: Path):
    copy = tmp_path / name
    shutil.copytree(EXAMPLES / name, copy)
    return load_warehouse(copy / "reporting.yaml"), load_config(copy / "reporting.yaml")


def burn(conn) -> dict[tuple[str, date], tuple[Decimal, Decimal]]:
    return {
        (r["entity_id"], r["month"]): (r["net_burn"], r["cash_end"])
        for r in rows(conn, "select entity_id, month, net_burn, cash_end from metrics.burn")
    }


def assert_clean(conn, config) -> None:
    """Nothing quarantined, and every quality gate and metric check passes."""
    assert rows(conn, "select source_file, line, reason from quarantine.rows") == []
    for contract_table in TABLES:
        for check in ("quarantined_share",):
            outcome = run_check_file(
                conn,
                f"checks/raw/{check}",
                table_name=contract_table.name,
                max_quarantined_share=config.quality.max_quarantined_share,
            )
            assert outcome.failures == 0, (contract_table.name, check)
    assert run_check_file(conn, "checks/raw/ledger__duplicate_txn_ids").failures == 0
    failing = {
        (relation.name, check): run_check(conn, relation, check)[0]
        for relation in relations()
        for check in relation.checks
    }
    assert {key: count for key, count in failing.items() if count} == {}


def test_the_harbor_example_loads_each_source_through_to_burn(tmp_path):
    conn, config = load_example("harbor", tmp_path)
    assert_clean(conn, config)
    assert burn(conn) == {
        # OFX and QFX: the bank's cash reaches each statement's own balance (LEDGERBAL 13,055.35
        # and 15,181.90); the card is paid off each month (its balance is 0.00)
        ("harbor_charters", date(2026, 9, 1)): (Decimal("-3104.10"), Decimal("13055.35")),
        ("harbor_charters", date(2026, 10, 1)): (Decimal("-2126.55"), Decimal("15181.90")),
        # the card's CSV export: money out written positive, the payment to the card money in
        ("corner_cafe", date(2026, 9, 1)): (Decimal("1272.60"), Decimal("2718.40")),
        ("corner_cafe", date(2026, 10, 1)): (Decimal("1126.65"), Decimal("2991.75")),
        # the canonical ledger.csv
        ("dock_rental", date(2026, 9, 1)): (Decimal("-2020.00"), Decimal("3520.00")),
        ("dock_rental", date(2026, 10, 1)): (Decimal("-2400.00"), Decimal("5920.00")),
    }
    assert rows(
        conn,
        "select source_file, source_format, rows_read, rows_loaded, rows_duplicate, "
        "covers_through from ingest.file_loads where table_name = 'ledger' order by source_file",
    ) == [
        {
            "source_file": "corner_cafe/card.csv",
            "source_format": "bank_csv",
            "rows_read": 8,
            "rows_loaded": 8,
            "rows_duplicate": 0,
            # the period its title row states ("Statement period: 09/01/2026 - 10/31/2026"),
            # though its latest line is October 21
            "covers_through": date(2026, 10, 31),
        },
        {
            "source_file": "dock_rental/ledger.csv",
            "source_format": "canonical",
            "rows_read": 3,
            "rows_loaded": 3,
            "rows_duplicate": 0,
            # a canonical file states no period: it covers through its latest line
            "covers_through": date(2026, 10, 1),
        },
        {
            "source_file": "harbor_charters/bank/2026-09.ofx",
            "source_format": "ofx",
            "rows_read": 6,
            "rows_loaded": 6,
            "rows_duplicate": 0,
            "covers_through": date(2026, 9, 30),
        },
        # the October statement starts on September 25: two transactions already imported
        {
            "source_file": "harbor_charters/bank/2026-10.ofx",
            "source_format": "ofx",
            "rows_read": 7,
            "rows_loaded": 5,
            "rows_duplicate": 2,
            "covers_through": date(2026, 10, 31),
        },
        {
            "source_file": "harbor_charters/card/2026-10.qfx",
            "source_format": "ofx",
            "rows_read": 6,
            "rows_loaded": 6,
            "rows_duplicate": 0,
            "covers_through": date(2026, 10, 31),
        },
    ]
    # the lines no rule matches, and where to add a rule
    assert rows(
        conn,
        "select entity_id, description, amount, rules_file from metrics.uncategorized_lines "
        "order by entity_id, line",
    ) == [
        {
            "entity_id": "corner_cafe",
            "description": "BLUE BOTTLE COFFEE",
            "amount": Decimal("-4.50"),
            "rules_file": "corner_cafe/rules.yaml",
        },
        {
            "entity_id": "corner_cafe",
            "description": "BLUE BOTTLE COFFEE",
            "amount": Decimal("-4.50"),
            "rules_file": "corner_cafe/rules.yaml",
        },
        {
            "entity_id": "harbor_charters",
            "description": "JOES BAIT AND TACKLE",
            "amount": Decimal("-48.75"),
            "rules_file": "harbor_charters/rules.yaml",
        },
    ]
    statement_balances = rows(
        conn,
        "select account_id, balance, balance_on from ingest.statement_balances "
        "order by balance_on, account_id",
    )
    assert statement_balances == [
        {
            "account_id": "9876543210",
            "balance": Decimal("13055.35"),
            "balance_on": date(2026, 9, 30),
        },
        {
            "account_id": "9876543210",
            "balance": Decimal("15181.90"),
            "balance_on": date(2026, 10, 31),
        },
        {
            "account_id": "XXXXXXXXXXXX4242",
            "balance": Decimal("0.00"),
            "balance_on": date(2026, 10, 31),
        },
    ]


def test_the_kaffeehaus_example_reads_a_european_bank_export(tmp_path):
    conn, config = load_example("kaffeehaus", tmp_path)
    assert_clean(conn, config)
    assert burn(conn) == {
        ("kaffeehaus", date(2026, 9, 1)): (Decimal("-594.40"), Decimal("4594.40")),
        ("kaffeehaus", date(2026, 10, 1)): (Decimal("-345.30"), Decimal("4939.70")),
    }
    assert rows(
        conn,
        "select description, counterparty, account_code, amount from raw.ledger where line = 7",
    ) == [
        {
            "description": "Kaffeebohnen Rechnung 4711",
            "counterparty": "Rösterei Köhler GmbH",
            "account_code": "5100",
            "amount": Decimal("-486.20"),
        }
    ]


@pytest.mark.parametrize(
    "path",
    sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*") if p.is_file()),
)
def test_importing_md_shows_every_example_file(path):
    assert f"docs/examples/{path}" in DOCS.read_text(encoding="utf-8") or path.endswith(
        "chart_of_accounts.csv"
    )


def test_the_bookkeeping_example_counts_stripe_revenue_once_with_the_bank(tmp_path):
    conn, config = load_example("bookkeeping", tmp_path)
    assert_clean(conn, config)
    figures = {
        (r["entity_id"], r["month"]): (r["revenue"], r["net_burn"], r["cash_end"])
        for r in rows(
            conn,
            "select entity_id, month, revenue, net_burn, cash_end from metrics.burn "
            "where entity_id = 'saltwater_tours'",
        )
    }
    # Stripe: September's charges 250.00 + 400.00 + 120.00 (the last one at 05:30 UTC on the
    # 30th: the 29th in Los Angeles), fees 7.55 + 11.90 + 3.78; October's refund -60.00 and
    # charges 500.00 + 300.00 (02:15 UTC on November 1: October 31 in Los Angeles), fees 14.80 +
    # 9.00 and Stripe's billing 2.00. The bank: marina 850.00 a month, fuel 215.40 in October,
    # and the two payouts (630.55, 541.42), which are transfers from the Stripe balance, so
    # revenue is the charges', once. Cash: the bank's 4,256.57 (its statement's balance) plus the
    # Stripe balance not yet paid out (116.22 + 172.78).
    assert figures == {
        ("saltwater_tours", date(2026, 9, 1)): (
            Decimal("770.00"),
            Decimal("103.23"),
            Decimal("4896.77"),
        ),
        ("saltwater_tours", date(2026, 10, 1)): (
            Decimal("740.00"),
            Decimal("351.20"),
            Decimal("4545.57"),
        ),
    }
    assert rows(
        conn,
        "select account_code, sum(amount) as total from raw.ledger "
        "where entity_id = 'saltwater_tours' and account_code = '1900' group by account_code",
    ) == [{"account_code": "1900", "total": Decimal("0.00")}]
    assert rows(
        conn,
        "select source_file, source_format, rows_read, rows_loaded, rows_duplicate, "
        "covers_through from ingest.file_loads where table_name = 'ledger' "
        "and entity_id = 'saltwater_tours' order by source_file",
    ) == [
        {
            "source_file": "saltwater_tours/bank/2026-09-10.ofx",
            "source_format": "ofx",
            "rows_read": 5,
            "rows_loaded": 5,
            "rows_duplicate": 0,
            "covers_through": date(2026, 10, 31),
        },
        # each charge is two rows: its gross amount and its fee
        {
            "source_file": "saltwater_tours/stripe/balance-2026-09.csv",
            "source_format": "stripe_balance",
            "rows_read": 7,
            "rows_loaded": 7,
            "rows_duplicate": 0,
            "covers_through": date(2026, 9, 29),
        },
        # the October export starts with September's last charge: its two rows are duplicates;
        # a refund, a payout and Stripe's billing are one row each, two charges two each
        {
            "source_file": "saltwater_tours/stripe/balance-2026-10.csv",
            "source_format": "stripe_balance",
            "rows_read": 9,
            "rows_loaded": 7,
            "rows_duplicate": 2,
            "covers_through": date(2026, 10, 31),
        },
    ]


def test_the_bookkeeping_example_reads_the_bank_sections_of_a_quickbooks_report(tmp_path):
    conn, _ = load_example("bookkeeping", tmp_path)
    figures = {
        r["month"]: (r["revenue"], r["net_burn"], r["cash_end"])
        for r in rows(
            conn,
            "select month, revenue, net_burn, cash_end from metrics.burn "
            "where entity_id = 'bayside_plumbing'",
        )
    }
    # September: job 1041's 1,850.00 in; pipe 412.30, van fuel 96.40, tools on the card 89.99
    # (cogs) and software 30.00 out. October: job 1042's 640.00 in; a water heater 1,120.00 and
    # two permits of 45.00 out; the card's payment from checking moves cash between the
    # business's own accounts (-89.99 on checking, +89.99 on the card): no cost. Opening 3,000.00.
    assert figures == {
        date(2026, 9, 1): (Decimal("1850.00"), Decimal("-1221.31"), Decimal("4221.31")),
        date(2026, 10, 1): (Decimal("640.00"), Decimal("570.00"), Decimal("3651.31")),
    }
    assert rows(
        conn,
        "select line, account_code, amount from raw.ledger "
        "where entity_id = 'bayside_plumbing' order by line",
    ) == [
        {"line": line, "account_code": code, "amount": Decimal(amount)}
        for line, code, amount in (
            (7, "4100", "1850.00"),  # "4100 Plumbing services": the code it starts with
            (8, "5100", "-412.30"),  # "Job materials": the chart's account of that name
            (9, "5000", "-96.40"),  # "-Split-": the rules (Chevron)
            (10, "6100", "-30.00"),  # "Office expenses:Software": the sub-account's name
            (11, "4100", "640.00"),
            (12, "2100", "-89.99"),
            (13, "5100", "-1120.00"),
            (14, "6400", "-45.00"),  # "Permits" is not in the chart: the rules
            (15, "6400", "-45.00"),  # the same permit twice on one day: two rows
            (18, "5100", "-89.99"),  # the card's purchase, written 89.99: money out
            (19, "1010", "89.99"),
        )
    ]
    [load] = rows(
        conn,
        "select rows_read, rows_loaded, rows_quarantined, covers_through from ingest.file_loads "
        "where entity_id = 'bayside_plumbing'",
    )
    # the report's period, "September 1 - October 31, 2026"; the lines of the income and
    # expense sections are the other side of the same entries, no rows
    assert load == {
        "rows_read": 11,
        "rows_loaded": 11,
        "rows_quarantined": 0,
        "covers_through": date(2026, 10, 31),
    }


def test_the_bookkeeping_example_reads_the_bank_section_of_a_xero_report(tmp_path):
    conn, _ = load_example("bookkeeping", tmp_path)
    figures = {
        r["month"]: (r["revenue"], r["net_burn"], r["cash_end"])
        for r in rows(
            conn,
            "select month, revenue, net_burn, cash_end from metrics.burn "
            "where entity_id = 'fernhill_studio'",
        )
    }
    # Debit is money in (2,400.00 and 1,150.00), Credit money out (software 59.99 and rent
    # 900.00 a month); cash reaches the report's closing balance, 3,630.02. The Sales section is
    # the other side of the same entries: no rows.
    assert figures == {
        date(2026, 9, 1): (Decimal("2400.00"), Decimal("-1440.01"), Decimal("3440.01")),
        date(2026, 10, 1): (Decimal("1150.00"), Decimal("-190.01"), Decimal("3630.02")),
    }
    [load] = rows(
        conn,
        "select rows_read, rows_loaded, covers_through from ingest.file_loads "
        "where entity_id = 'fernhill_studio'",
    )
    assert load == {"rows_read": 6, "rows_loaded": 6, "covers_through": date(2026, 10, 31)}
