"""The metric store (sql/metrics/, sql/checks/) on a small portfolio whose figures were worked out
by hand: each expected number below is written as a literal, with the sum it comes from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import load_warehouse, rows, write_portfolio

from exec_reporting.glossary import raw_entries
from exec_reporting.metrics import relation as relation_named
from exec_reporting.metrics import relations, run_check

ROOT = Path(__file__).resolve().parent.parent
DOCS_PATH = ROOT / "docs" / "metrics.md"
KEY_COLUMNS = {"entity_id", "month"}
# The relations of the metric store of [1/7]; the reports add more (each tested in its own file).
CORE_RELATIONS = (
    "entity_months",
    "monthly_pnl",
    "burn",
    "break_even",
    "kpi_gaps",
    "deferred_revenue",
    "expense_flags",
)
UNITS = {"money", "months", "ratio", "count", "text", "date"}

JAN, FEB, MAR, APR, MAY = (date(2026, m, 1) for m in range(1, 6))


def D(value: str) -> Decimal:
    return Decimal(value)


# Chart (tests/conftest.py DEFAULT_CHART): 1000 bank and 1500 equipment are assets, 2000 loan a
# liability, 3000 owner contributions equity, 4000 sales revenue, 5000 fuel cogs/variable,
# 6000 rent and 6100 software expense/fixed, 6200 commissions expense/variable. 9999 is missing.
#
# alpha: opening cash 1,000.00; January to May 2026 with March empty (the gap month).
ALPHA_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
T01,2026-01-02,3000,5000.00,Owner contribution,Owner
T02,2026-01-05,4000,4000.00,Charter,Client A
T03,2026-01-06,5000,-1000.00,Fuel,Acme Fuel
T04,2026-01-07,6000,-2000.00,Rent,Landlord
T05,2026-01-09,6200,-400.00,Commission,Broker
T06,2026-01-10,4000,-500.00,Refund,Client A
T07,2026-02-02,6000,-2000.00,Rent,Landlord
T08,2026-02-03,5000,-300.25,Fuel,Acme Fuel
T09,2026-02-06,5000,-300.25,Fuel,Acme Fuel
T10,2026-02-07,6100,-99.99,Hosting,Cloudco
T11,2026-04-01,4000,1000.00,Charter,Client B
T12,2026-04-02,6200,-1200.00,Commission,Broker
T13,2026-04-06,6000,-2000.00,Rent,Landlord
T14,2026-04-10,5000,-1500.50,Fuel,Acme Fuel
T15,2026-04-14,5000,-1500.50,Fuel,Acme Fuel
T16,2026-05-04,2000,10000.00,Loan drawdown,Bank Co
T17,2026-05-05,1500,-4000.00,Outboard motor,Boat Yard
T18,2026-05-06,9999,-150.00,Unknown,Mystery
T19,2026-05-07,4000,6000.00,Charter,Client A
T20,2026-05-08,6000,-2000.00,Rent,Landlord
T21,2026-05-08,6000,-2000.00,Rent,Landlord
T22,2026-05-10,6100,-50.00,Hosting,Cloudco
T23,2026-05-11,6100,-900.00,Licences,Cloudco
T24,2026-05-16,9999,-3000.00,Unknown,Mystery
"""

# Status and dates chosen so that exactly one rule keeps each booking in or out at a month end.
ALPHA_BOOKINGS = """\
booking_id,channel,booked_on,service_date,amount,paid_on,status
K1,web,2026-01-03,2026-02-15,800.00,2026-01-04,confirmed
K2,web,2026-01-10,2026-01-20,300.00,2026-01-10,confirmed
K3,web,2026-01-15,2026-03-10,500.00,,confirmed
K4,web,2026-01-20,2026-04-05,700.00,2026-01-25,cancelled
K5,phone,2026-02-10,2026-05-20,1000.00,2026-03-31,confirmed
K6,web,2026-03-01,2026-06-01,250.00,2026-05-31,confirmed
K7,web,2026-01-05,2026-03-15,400.00,2026-01-05,refunded
K8,web,2026-04-01,2026-04-30,60.00,2026-04-01,confirmed
"""

# beta: opening cash 0, no bookings file, no KPIs; February and March 2026 (March: a refund only,
# so revenue is negative). B1 repeats alpha's T08 (same day, counterparty, amount).
BETA_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
B1,2026-02-03,5000,-300.25,Fuel,Acme Fuel
B2,2026-02-20,4000,100.00,Charter,Client Z
B3,2026-03-02,4000,-40.00,Refund,Client Z
"""

ENTITIES = [
    {
        "id": "alpha",
        "name": "Alpha Charters",
        "kind": "charter",
        "opening_cash": "1000.00",
        "kpis": [
            {"metric": "revenue", "target": "3000", "better": "higher"},
            {"metric": "runway_months", "target": "3", "better": "higher"},
            {"metric": "gross_margin_pct", "target": "0.5", "better": "higher"},
            {"metric": "net_burn", "target": "1000", "better": "lower"},
            {"metric": "break_even_revenue", "target": "4000", "better": "lower"},
        ],
    },
    {"id": "beta", "name": "Beta Hauling", "kind": "hauling"},
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    config_path = write_portfolio(
        tmp_path_factory.mktemp("metrics"),
        {
            "alpha/ledger.csv": ALPHA_LEDGER,
            "alpha/bookings.csv": ALPHA_BOOKINGS,
            "beta/ledger.csv": BETA_LEDGER,
        },
        entities=ENTITIES,
    )
    conn = load_warehouse(config_path)
    yield conn
    conn.close()


def by_month(conn, relation: str, entity_id: str) -> dict[date, dict]:
    return {
        row["month"]: row
        for row in rows(
            conn,
            f"select * from metrics.{relation} where entity_id = $e order by month",
            {"e": entity_id},
        )
    }


def column(conn, relation: str, name: str, entity_id: str = "alpha") -> list:
    return [row[name] for row in by_month(conn, relation, entity_id).values()]


def test_fixture_loaded_without_quarantine(warehouse):
    # Every line above is valid input: a quarantined line would silently change the figures.
    assert rows(warehouse, "select count(*) as n from quarantine.rows") == [{"n": 0}]


# -- entity_months ---------------------------------------------------------------------------


def test_entity_months_run_from_first_to_last_ledger_month_with_gaps_filled(warehouse):
    assert rows(warehouse, "select * from metrics.entity_months order by entity_id, month") == [
        {"entity_id": "alpha", "month": JAN, "month_end": date(2026, 1, 31)},
        {"entity_id": "alpha", "month": FEB, "month_end": date(2026, 2, 28)},
        # no ledger line in March: still a month of the series
        {"entity_id": "alpha", "month": MAR, "month_end": date(2026, 3, 31)},
        {"entity_id": "alpha", "month": APR, "month_end": date(2026, 4, 30)},
        {"entity_id": "alpha", "month": MAY, "month_end": date(2026, 5, 31)},
        {"entity_id": "beta", "month": FEB, "month_end": date(2026, 2, 28)},
        {"entity_id": "beta", "month": MAR, "month_end": date(2026, 3, 31)},
    ]


def test_column_types(warehouse):
    types = {
        (r["table_name"], r["column_name"]): r["data_type"]
        for r in rows(
            warehouse,
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'metrics'",
        )
    }
    money = "DECIMAL(18,2)"
    expected = {
        ("entity_months", "month"): "DATE",
        ("entity_months", "month_end"): "DATE",
        ("monthly_pnl", "month"): "DATE",
        ("monthly_pnl", "revenue"): money,
        ("monthly_pnl", "cogs"): money,
        ("monthly_pnl", "gross_profit"): money,
        ("monthly_pnl", "gross_margin_pct"): "DOUBLE",
        ("monthly_pnl", "opex"): money,
        ("monthly_pnl", "operating_income"): money,
        ("burn", "revenue"): money,
        ("burn", "gross_burn"): money,
        ("burn", "net_burn"): money,
        ("burn", "net_burn_avg_3m"): money,
        ("burn", "cash_end"): money,
        ("burn", "runway_months"): "DOUBLE",
        ("break_even", "revenue"): money,
        ("break_even", "fixed_costs"): money,
        ("break_even", "variable_costs"): money,
        ("break_even", "contribution_margin_ratio"): "DOUBLE",
        ("break_even", "break_even_revenue"): money,
        ("break_even", "revenue_gap"): money,
        ("kpi_gaps", "month"): "DATE",
        ("kpi_gaps", "actual"): "DECIMAL(38,4)",
        ("kpi_gaps", "target"): "DECIMAL(18,4)",
        ("kpi_gaps", "gap"): "DECIMAL(38,4)",
        ("kpi_gaps", "met"): "BOOLEAN",
        ("deferred_revenue", "deferred_balance"): money,
        ("expense_flags", "date"): "DATE",
        ("expense_flags", "amount"): money,
        ("expense_flags", "month"): "DATE",
        ("ledger_lines", "month"): "DATE",
        ("ledger_lines", "amount"): money,
        ("account_months", "month"): "DATE",
        ("account_months", "month_lines"): "INTEGER",
        ("account_months", "money_in"): money,
        ("account_months", "money_out"): money,
        ("account_months", "month_net"): money,
    }
    assert {key: types.get(key) for key in expected} == expected


# -- ledger_lines and account_months: the ledger with its accounts, once ----------------------


def test_ledger_lines_hold_every_line_with_its_month_and_account(warehouse):
    assert rows(warehouse, "select count(*) as n from metrics.ledger_lines") == [{"n": 24 + 3}]
    lines = {
        r["txn_id"]: r
        for r in rows(warehouse, "select * from metrics.ledger_lines where entity_id = 'alpha'")
    }
    assert lines["T03"] == {
        "entity_id": "alpha",
        "line": 4,
        "txn_id": "T03",
        "date": date(2026, 1, 6),
        "month": JAN,
        "account_code": "5000",
        "account_name": "Fuel",
        "account_type": "cogs",
        "account_behavior": "variable",
        "amount": D("-1000.00"),
        "description": "Fuel",
        "counterparty": "Acme Fuel",
    }
    # a liability has no behavior; 9999 is missing from the chart: the line stays, unplaced
    account = ("account_name", "account_type", "account_behavior")
    assert [lines["T16"][k] for k in account] == ["Loan", "liability", None]
    assert [lines["T18"][k] for k in (*account, "month", "amount")] == [
        None,
        None,
        None,
        MAY,
        D("-150.00"),
    ]


def test_account_months_add_up_each_code_of_a_month(warehouse):
    may = rows(
        warehouse,
        "select * exclude (entity_id, month) from metrics.account_months "
        "where entity_id = 'alpha' and month = $m order by account_code",
        {"m": MAY},
    )
    # May: T17 motor -4000 (asset); T16 loan +10000; T19 charter +6000; T20 + T21 rent 2 x -2000;
    # T22 + T23 hosting and licences -50 - 900; T18 + T24 on 9999, -150 - 3000
    columns = ("account_code", "account_type", "month_lines", "money_in", "money_out", "month_net")
    assert [tuple(r[c] for c in columns) for r in may] == [
        ("1500", "asset", 1, D("0.00"), D("4000.00"), D("-4000.00")),
        ("2000", "liability", 1, D("10000.00"), D("0.00"), D("10000.00")),
        ("4000", "revenue", 1, D("6000.00"), D("0.00"), D("6000.00")),
        ("6000", "expense", 2, D("0.00"), D("4000.00"), D("-4000.00")),
        ("6100", "expense", 2, D("0.00"), D("950.00"), D("-950.00")),
        ("9999", None, 2, D("0.00"), D("3150.00"), D("-3150.00")),
    ]
    # every line counts: -4000 + 10000 + 6000 - 4000 - 950 - 3150 = 3900.00, May's cash movement
    # (cash_end -1801.49 at April's end, 2098.51 at May's: test_cash_end_counts_every_ledger_line)
    assert sum(r["month_net"] for r in may) == D("3900.00")
    # January's sales account took money in and gave some back: T02 +4000, T06 -500
    jan_sales = rows(
        warehouse,
        "select month_lines, money_in, money_out, month_net from metrics.account_months "
        "where entity_id = 'alpha' and month = $m and account_code = '4000'",
        {"m": JAN},
    )
    assert jan_sales == [
        {
            "month_lines": 2,
            "money_in": D("4000.00"),
            "money_out": D("500.00"),
            "month_net": D("3500.00"),
        }
    ]
    # a month without lines has no rows (the series of metrics.entity_months fills it)
    assert rows(
        warehouse,
        "select count(*) as n from metrics.account_months where entity_id = 'alpha' and month = $m",
        {"m": MAR},
    ) == [{"n": 0}]


# -- monthly_pnl -----------------------------------------------------------------------------


def test_monthly_pnl_revenue_cogs_opex(warehouse):
    pnl = by_month(warehouse, "monthly_pnl", "alpha")
    # revenue: Jan 4000.00 - 500.00 refund (T06); Feb and Mar none; Apr 1000.00; May 6000.00.
    # The owner's 5000 (equity), the 10000 loan, the 4000 motor (asset) and the 3150 on the
    # unknown account 9999 are in no line.
    assert [r["revenue"] for r in pnl.values()] == [
        D("3500.00"),
        D("0.00"),
        D("0.00"),
        D("1000.00"),
        D("6000.00"),
    ]
    # cogs: Jan 1000.00; Feb 300.25 + 300.25; Apr 1500.50 + 1500.50; May none
    assert [r["cogs"] for r in pnl.values()] == [
        D("1000.00"),
        D("600.50"),
        D("0.00"),
        D("3001.00"),
        D("0.00"),
    ]
    # opex: Jan 2000 + 400; Feb 2000 + 99.99; Apr 1200 + 2000; May 2000 + 2000 + 50 + 900
    assert [r["opex"] for r in pnl.values()] == [
        D("2400.00"),
        D("2099.99"),
        D("0.00"),
        D("3200.00"),
        D("4950.00"),
    ]


def test_monthly_pnl_profit_lines(warehouse):
    pnl = by_month(warehouse, "monthly_pnl", "alpha")
    # gross profit = revenue - cogs: 3500 - 1000; 0 - 600.50; 0; 1000 - 3001; 6000 - 0
    assert [r["gross_profit"] for r in pnl.values()] == [
        D("2500.00"),
        D("-600.50"),
        D("0.00"),
        D("-2001.00"),
        D("6000.00"),
    ]
    # operating income = revenue - cogs - opex: 3500 - 1000 - 2400; 0 - 600.50 - 2099.99; 0;
    # 1000 - 3001 - 3200; 6000 - 0 - 4950
    assert [r["operating_income"] for r in pnl.values()] == [
        D("100.00"),
        D("-2700.49"),
        D("0.00"),
        D("-5201.00"),
        D("1050.00"),
    ]


def test_gross_margin_is_null_without_revenue(warehouse):
    margins = column(warehouse, "monthly_pnl", "gross_margin_pct")
    # 2500 / 3500; Feb and Mar have no revenue; -2001 / 1000; 6000 / 6000
    assert margins[0] == pytest.approx(0.7142857142857143)
    assert margins[1] is None
    assert margins[2] is None
    assert margins[3] == pytest.approx(-2.001)
    assert margins[4] == pytest.approx(1.0)
    # beta March: revenue is a refund only, -40.00, and gross profit -40.00: a margin exists
    beta = by_month(warehouse, "monthly_pnl", "beta")
    assert beta[MAR]["revenue"] == D("-40.00")
    assert beta[MAR]["gross_margin_pct"] == pytest.approx(1.0)
    # beta February: (100.00 - 300.25) / 100.00
    assert beta[FEB]["gross_margin_pct"] == pytest.approx(-2.0025)


# -- burn --------------------------------------------------------------------------------------


def test_burn_gross_and_net(warehouse):
    burn = by_month(warehouse, "burn", "alpha")
    # revenue is monthly_pnl's
    assert [r["revenue"] for r in burn.values()] == [
        D("3500.00"),
        D("0.00"),
        D("0.00"),
        D("1000.00"),
        D("6000.00"),
    ]
    # gross burn = cogs + opex: 1000 + 2400; 600.50 + 2099.99; 0; 3001 + 3200; 0 + 4950
    assert [r["gross_burn"] for r in burn.values()] == [
        D("3400.00"),
        D("2700.49"),
        D("0.00"),
        D("6201.00"),
        D("4950.00"),
    ]
    # net burn = gross burn - revenue (negative: the month made money)
    assert [r["net_burn"] for r in burn.values()] == [
        D("-100.00"),
        D("2700.49"),
        D("0.00"),
        D("5201.00"),
        D("-1050.00"),
    ]


def test_net_burn_3_month_average(warehouse):
    # Jan: only itself, -100.00. Feb: (-100.00 + 2700.49) / 2 = 1300.245, half up 1300.25.
    # Mar: (-100.00 + 2700.49 + 0) / 3 = 866.83. Apr: (2700.49 + 0 + 5201.00) / 3 = 2633.83.
    # May: (0 + 5201.00 - 1050.00) / 3 = 1383.666..., 1383.67.
    assert column(warehouse, "burn", "net_burn_avg_3m") == [
        D("-100.00"),
        D("1300.25"),
        D("866.83"),
        D("2633.83"),
        D("1383.67"),
    ]
    # beta Feb: 200.25 alone; Mar: (200.25 + 40.00) / 2 = 120.125, half up 120.13
    assert column(warehouse, "burn", "net_burn_avg_3m", "beta") == [D("200.25"), D("120.13")]


def test_cash_end_counts_every_ledger_line(warehouse):
    # Jan: 1000 opening + 5000 owner + 4000 - 1000 - 2000 - 400 - 500 = 6100.00
    # Feb: 6100 - 2000 - 300.25 - 300.25 - 99.99 = 3399.51; Mar: nothing moves
    # Apr: 3399.51 + 1000 - 1200 - 2000 - 1500.50 - 1500.50 = -1801.49 (overdrawn)
    # May: -1801.49 + 10000 loan - 4000 motor - 150 unmapped + 6000 - 2000 - 2000 - 50 - 900
    #      - 3000 unmapped = 2098.51
    assert column(warehouse, "burn", "cash_end") == [
        D("6100.00"),
        D("3399.51"),
        D("3399.51"),
        D("-1801.49"),
        D("2098.51"),
    ]
    # beta: opening 0; Feb -300.25 + 100.00; Mar -40.00
    assert column(warehouse, "burn", "cash_end", "beta") == [D("-200.25"), D("-240.25")]


def test_runway(warehouse):
    runway = column(warehouse, "burn", "runway_months")
    # Jan: the 3-month average net burn is -100.00: not burning, no runway
    assert runway[0] is None
    assert runway[1] == pytest.approx(3399.51 / 1300.25)  # 2.6145...
    assert runway[2] == pytest.approx(3399.51 / 866.83)  # 3.9218...
    # Apr: negative cash counts as none left
    assert runway[3] == 0.0
    assert runway[4] == pytest.approx(2098.51 / 1383.67)  # 1.5166...
    assert column(warehouse, "burn", "runway_months", "beta") == [0.0, 0.0]


# -- break_even --------------------------------------------------------------------------------


def test_break_even_costs(warehouse):
    be = by_month(warehouse, "break_even", "alpha")
    # fixed: rent and software. Jan 2000; Feb 2000 + 99.99; Apr 2000; May 4000 + 50 + 900
    assert [r["fixed_costs"] for r in be.values()] == [
        D("2000.00"),
        D("2099.99"),
        D("0.00"),
        D("2000.00"),
        D("4950.00"),
    ]
    # variable: fuel and commissions. Jan 1000 + 400; Feb 600.50; Apr 3001 + 1200; May none
    assert [r["variable_costs"] for r in be.values()] == [
        D("1400.00"),
        D("600.50"),
        D("0.00"),
        D("4201.00"),
        D("0.00"),
    ]
    assert [r["revenue"] for r in be.values()] == [
        D("3500.00"),
        D("0.00"),
        D("0.00"),
        D("1000.00"),
        D("6000.00"),
    ]


def test_contribution_margin_and_break_even_revenue(warehouse):
    be = by_month(warehouse, "break_even", "alpha")
    # Jan: (3500 - 1400) / 3500 = 0.6; break-even 2000 / 0.6 = 3333.33; gap 3333.33 - 3500
    assert be[JAN]["contribution_margin_ratio"] == pytest.approx(0.6)
    assert be[JAN]["break_even_revenue"] == D("3333.33")
    assert be[JAN]["revenue_gap"] == D("-166.67")
    # Feb and Mar: no revenue, no ratio, no break-even
    for month in (FEB, MAR):
        assert be[month]["contribution_margin_ratio"] is None
        assert be[month]["break_even_revenue"] is None
        assert be[month]["revenue_gap"] is None
    # Apr: (1000 - 4201) / 1000 = -3.201: every sale loses money, so no break-even revenue
    assert be[APR]["contribution_margin_ratio"] == pytest.approx(-3.201)
    assert be[APR]["break_even_revenue"] is None
    assert be[APR]["revenue_gap"] is None
    # May: (6000 - 0) / 6000 = 1; 4950 / 1 = 4950.00; gap 4950 - 6000
    assert be[MAY]["contribution_margin_ratio"] == pytest.approx(1.0)
    assert be[MAY]["break_even_revenue"] == D("4950.00")
    assert be[MAY]["revenue_gap"] == D("-1050.00")
    # beta Mar: revenue -40.00 (a refund): no ratio
    beta = by_month(warehouse, "break_even", "beta")
    assert beta[MAR]["contribution_margin_ratio"] is None
    assert beta[MAR]["break_even_revenue"] is None
    # beta Feb: (100 - 300.25) / 100 = -2.0025, not positive
    assert beta[FEB]["contribution_margin_ratio"] == pytest.approx(-2.0025)
    assert beta[FEB]["break_even_revenue"] is None


# -- kpi_gaps ----------------------------------------------------------------------------------


def kpi_rows(conn) -> dict[tuple[str, date], dict]:
    return {
        (r["kpi"], r["month"]): r
        for r in rows(conn, "select * from metrics.kpi_gaps where entity_id = 'alpha'")
    }


def test_kpi_gaps_one_row_per_kpi_and_month(warehouse):
    # alpha: 5 KPIs x 5 months; beta has no KPI
    assert rows(
        warehouse, "select entity_id, count(*) as n from metrics.kpi_gaps group by entity_id"
    ) == [{"entity_id": "alpha", "n": 25}]


def test_kpi_higher_is_better(warehouse):
    kpis = kpi_rows(warehouse)
    # revenue target 3000, higher: gap = actual - target
    assert [
        (kpis["revenue", m]["actual"], kpis["revenue", m]["gap"], kpis["revenue", m]["met"])
        for m in (JAN, FEB, MAR, APR, MAY)
    ] == [
        (D("3500.0000"), D("500.0000"), True),
        (D("0.0000"), D("-3000.0000"), False),
        (D("0.0000"), D("-3000.0000"), False),
        (D("1000.0000"), D("-2000.0000"), False),
        (D("6000.0000"), D("3000.0000"), True),
    ]
    assert kpis["revenue", JAN]["target"] == D("3000.0000")
    assert kpis["revenue", JAN]["better"] == "higher"


def test_kpi_lower_is_better(warehouse):
    kpis = kpi_rows(warehouse)
    # net burn target 1000, lower: gap = target - actual
    assert [
        (kpis["net_burn", m]["actual"], kpis["net_burn", m]["gap"], kpis["net_burn", m]["met"])
        for m in (JAN, FEB, MAR, APR, MAY)
    ] == [
        (D("-100.0000"), D("1100.0000"), True),
        (D("2700.4900"), D("-1700.4900"), False),
        (D("0.0000"), D("1000.0000"), True),
        (D("5201.0000"), D("-4201.0000"), False),
        (D("-1050.0000"), D("2050.0000"), True),
    ]
    # break-even revenue target 4000, lower: Jan 3333.33 meets it, May 4950.00 does not
    assert kpis["break_even_revenue", JAN]["gap"] == D("666.6700")
    assert kpis["break_even_revenue", JAN]["met"] is True
    assert kpis["break_even_revenue", MAY]["gap"] == D("-950.0000")
    assert kpis["break_even_revenue", MAY]["met"] is False


def test_kpi_ratio_actuals_keep_four_decimals(warehouse):
    kpis = kpi_rows(warehouse)
    # gross margin 2500 / 3500 = 0.714285... -> 0.7143; target 0.5
    assert kpis["gross_margin_pct", JAN]["actual"] == D("0.7143")
    assert kpis["gross_margin_pct", JAN]["gap"] == D("0.2143")
    assert kpis["gross_margin_pct", APR]["actual"] == D("-2.0010")
    # runway Feb 3399.51 / 1300.25 = 2.614505... -> 2.6145; target 3
    assert kpis["runway_months", FEB]["actual"] == D("2.6145")
    assert kpis["runway_months", FEB]["gap"] == D("-0.3855")
    assert kpis["runway_months", FEB]["met"] is False
    # Mar 3399.51 / 866.83 = 3.92177... -> 3.9218
    assert kpis["runway_months", MAR]["actual"] == D("3.9218")
    assert kpis["runway_months", MAR]["met"] is True
    assert kpis["runway_months", APR]["actual"] == D("0.0000")
    assert kpis["runway_months", APR]["met"] is False


def test_kpi_met_is_null_when_actual_is_null(warehouse):
    kpis = kpi_rows(warehouse)
    # no revenue in Feb and Mar: no gross margin, nothing to judge
    for month in (FEB, MAR):
        row = kpis["gross_margin_pct", month]
        assert (row["actual"], row["gap"], row["met"]) == (None, None, None)
    # no break-even revenue in Feb (no revenue) nor Apr (ratio below zero)
    for month in (FEB, APR):
        row = kpis["break_even_revenue", month]
        assert (row["actual"], row["gap"], row["met"]) == (None, None, None)


def test_kpi_runway_null_means_met(warehouse):
    # Jan: not burning, so no runway: the target is met, the gap stays empty
    row = kpi_rows(warehouse)["runway_months", JAN]
    assert (row["actual"], row["target"], row["gap"], row["met"]) == (None, D("3.0000"), None, True)


# -- deferred_revenue --------------------------------------------------------------------------


def test_deferred_revenue(warehouse):
    # Jan: K1 (paid Jan 4, service Feb 15) = 800. K2 is served within January, K3 is unpaid,
    #      K4 cancelled and K7 refunded: never counted.
    # Feb: K1 was served on Feb 15; K5 is not paid yet: 0.
    # Mar: K5 paid on Mar 31, the month's last day, service May 20: 1000.
    # Apr: K5 still ahead = 1000; K8, served on Apr 30 (the last day), is not deferred.
    # May: K5 served May 20; K6 paid May 31 for June 1 = 250.
    assert column(warehouse, "deferred_revenue", "deferred_balance") == [
        D("800.00"),
        D("0.00"),
        D("1000.00"),
        D("1000.00"),
        D("250.00"),
    ]
    # beta has no bookings file: its months are still there, at 0
    assert column(warehouse, "deferred_revenue", "deferred_balance", "beta") == [
        D("0.00"),
        D("0.00"),
    ]


# -- expense_flags -----------------------------------------------------------------------------


def test_expense_flags_rules(warehouse):
    flags = rows(
        warehouse,
        "select entity_id, txn_id, rule, detail from metrics.expense_flags "
        "order by entity_id, txn_id, rule",
    )
    assert flags == [
        # 1000.00 is the smallest round amount; Acme Fuel was never paid 1000.00 in another month
        {
            "entity_id": "alpha",
            "txn_id": "T03",
            "rule": "round_amount",
            "detail": "round amount 1,000.00 not paid to this counterparty in any other month",
        },
        # 3 days after T08, same counterparty and amount
        {
            "entity_id": "alpha",
            "txn_id": "T09",
            "rule": "duplicate",
            "detail": "same amount to Acme Fuel on 2026-02-03 (txn T08)",
        },
        {"entity_id": "alpha", "txn_id": "T10", "rule": "weekend", "detail": "paid on a Saturday"},
        {
            "entity_id": "alpha",
            "txn_id": "T12",
            "rule": "round_amount",
            "detail": "round amount 1,200.00 not paid to this counterparty in any other month",
        },
        {
            "entity_id": "alpha",
            "txn_id": "T18",
            "rule": "unmapped_account",
            "detail": "account 9999 is not in the chart of accounts",
        },
        # same day as T20, later in the file
        {
            "entity_id": "alpha",
            "txn_id": "T21",
            "rule": "duplicate",
            "detail": "same amount to Landlord on 2026-05-08 (txn T20)",
        },
        {"entity_id": "alpha", "txn_id": "T22", "rule": "weekend", "detail": "paid on a Sunday"},
        # one line, three rules
        {
            "entity_id": "alpha",
            "txn_id": "T24",
            "rule": "round_amount",
            "detail": "round amount 3,000.00 not paid to this counterparty in any other month",
        },
        {
            "entity_id": "alpha",
            "txn_id": "T24",
            "rule": "unmapped_account",
            "detail": "account 9999 is not in the chart of accounts",
        },
        {"entity_id": "alpha", "txn_id": "T24", "rule": "weekend", "detail": "paid on a Saturday"},
    ]
    # Not flagged, on purpose:
    # T14/T15 Acme Fuel 1500.50 are 4 days apart (not a duplicate) and not a multiple of 100;
    # T04/T07/T13/T20/T21 rent 2000.00 is round but paid to Landlord in other months;
    # T23 900.00 is a multiple of 100 below 1000; T01-T05 and T07-T09 are weekdays;
    # T06 is a Saturday refund on a revenue account; T17 is a round asset purchase;
    # beta's B1 repeats alpha's T08 but in another entity.


def test_expense_flags_carry_the_line(warehouse):
    assert rows(
        warehouse,
        "select * exclude (detail) from metrics.expense_flags "
        "where txn_id = 'T09' and entity_id = 'alpha'",
    ) == [
        {
            "entity_id": "alpha",
            "txn_id": "T09",
            "rule": "duplicate",
            "date": date(2026, 2, 6),
            "amount": D("-300.25"),
            "counterparty": "Acme Fuel",
            "account_code": "5000",
            "month": FEB,
        }
    ]


def test_round_amount_paid_twice_in_one_month_only_is_flagged(portfolio):
    config_path = portfolio(
        {
            "solo/ledger.csv": """\
            txn_id,date,account_code,amount,description,counterparty
            S1,2026-03-02,6000,-5000.00,Deposit,Marina
            S2,2026-03-20,6000,-5000.00,Deposit,Marina
            S3,2026-03-23,6000,-1500.00,Repair,Yard
            S4,2026-04-21,6000,-1500.00,Repair,Yard
            """
        }
    )
    conn = load_warehouse(config_path)
    # S1 and S2 share a month and no other month has 5000.00 to Marina (18 days apart: no
    # duplicate either); Yard's 1500.00 recurs in April, so neither S3 nor S4 is flagged.
    assert rows(conn, "select txn_id, rule from metrics.expense_flags order by txn_id") == [
        {"txn_id": "S1", "rule": "round_amount"},
        {"txn_id": "S2", "rule": "round_amount"},
    ]


# -- checks, glossary and docs -------------------------------------------------------------------


def test_every_relation_of_the_metric_store_has_its_checks():
    checks = {relation.name: relation.checks for relation in relations()}
    assert {name: checks[name] for name in CORE_RELATIONS} == {
        "entity_months": ["grain", "covers_ledger", "no_holes"],
        "monthly_pnl": ["grain"],
        "burn": ["grain", "cash_reconciles"],
        "break_even": ["grain"],
        "kpi_gaps": ["one_row_per_kpi_month"],
        "deferred_revenue": ["grain"],
        "expense_flags": ["grain", "known_rule"],
    }


def test_the_shared_ledger_relations_have_their_checks():
    assert {name: relation_named(name).checks for name in ("ledger_lines", "account_months")} == {
        "ledger_lines": ["grain"],
        "account_months": ["grain", "reconciles_ledger"],
    }


def test_every_check_passes_on_the_fixture(warehouse):
    failures = {
        (relation.name, check): run_check(warehouse, relation, check)
        for relation in relations()
        for check in relation.checks
    }
    assert {key: result for key, result in failures.items() if result[0] != 0} == {}


BREAKAGES = [
    (
        "ledger_lines",
        "grain",
        "insert into metrics.ledger_lines select * from metrics.ledger_lines where txn_id = 'T18'",
    ),
    (
        "account_months",
        "grain",
        "insert into metrics.account_months select * from metrics.account_months "
        "where entity_id = 'alpha' and month = date '2026-05-01' and account_code = '9999'",
    ),
    (
        "account_months",
        "reconciles_ledger",
        "update metrics.account_months set month_net = month_net + 0.01 "
        "where entity_id = 'alpha' and month = date '2026-05-01' and account_code = '9999'",
    ),
    (
        "monthly_pnl",
        "grain",
        "insert into metrics.monthly_pnl select * from metrics.monthly_pnl "
        "where entity_id = 'alpha' and month = date '2026-02-01'",
    ),
    (
        "entity_months",
        "no_holes",
        "delete from metrics.entity_months where entity_id = 'alpha' and month = date '2026-03-01'",
    ),
    (
        "entity_months",
        "covers_ledger",
        "delete from metrics.entity_months where entity_id = 'beta' and month = date '2026-03-01'",
    ),
    (
        "burn",
        "cash_reconciles",
        "update metrics.burn set cash_end = cash_end + 0.01 "
        "where entity_id = 'alpha' and month = date '2026-05-01'",
    ),
    (
        "kpi_gaps",
        "one_row_per_kpi_month",
        "delete from metrics.kpi_gaps where kpi = 'revenue' and month = date '2026-04-01'",
    ),
    (
        "expense_flags",
        "grain",
        "insert into metrics.expense_flags select * from metrics.expense_flags "
        "where txn_id = 'T10'",
    ),
    (
        "expense_flags",
        "known_rule",
        "update metrics.expense_flags set rule = 'suspicious' where txn_id = 'T10'",
    ),
]


@pytest.mark.parametrize(("relation", "check", "breakage"), BREAKAGES)
def test_check_catches_a_broken_table(portfolio, relation, check, breakage):
    conn = load_warehouse(
        portfolio(
            {"alpha/ledger.csv": ALPHA_LEDGER, "beta/ledger.csv": BETA_LEDGER},
            entities=ENTITIES,
        )
    )
    assert run_check(conn, relation_named(relation), check)[0] == 0
    conn.execute(breakage)
    count, sample = run_check(conn, relation_named(relation), check)
    assert count == 1
    assert len(sample) == 1


def load_glossary() -> dict[str, dict]:
    return raw_entries()


def metric_columns(conn) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for r in rows(
        conn,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'metrics' order by table_name, ordinal_position",
    ):
        found.setdefault(r["table_name"], []).append(r["column_name"])
    return found


def test_every_metric_column_has_a_glossary_entry(warehouse):
    glossary = load_glossary()
    columns = metric_columns(warehouse)
    assert set(columns) == {relation.name for relation in relations()}
    missing = {
        (table, name)
        for table, names in columns.items()
        for name in names
        if name not in KEY_COLUMNS and name not in glossary
    }
    assert missing == set()


def test_glossary_entries_are_complete():
    for name, entry in load_glossary().items():
        assert set(entry) >= {"label", "unit", "definition"}, name
        assert entry["unit"] in UNITS, name
        assert entry["label"].strip() and entry["definition"].strip(), name


def test_docs_list_every_relation_and_column(warehouse):
    docs = DOCS_PATH.read_text(encoding="utf-8")
    for relation in relations():
        assert f"metrics.{relation.name}" in docs, relation.name
        for check in relation.checks:
            assert f"`{check}`" in docs, (relation.name, check)
    for table, names in metric_columns(warehouse).items():
        for name in names:
            assert f"`{name}`" in docs, (table, name)


def test_a_check_reads_only_relations_built_before_it_runs():
    """A relation's checks run as soon as it is built: every other relation a check reads is
    built earlier in the metric store's order (kpi_status's check reads kpi_gaps,
    stack_summary's reads stack_findings), unless that relation is built from the checked one
    (then the check reads the last build, and the order cannot change that)."""
    from exec_reporting.metrics import check_reads

    ordered = [r.name for r in relations()]
    position = {name: i for i, name in enumerate(ordered)}
    reads = {r.name: {t[8:] for t in r.reads if t.startswith("metrics.")} for r in relations()}

    def built_from(name: str) -> set[str]:
        seen, todo = set(), list(reads[name])
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(reads[current])
        return seen

    late = [
        (name, other)
        for name in ordered
        for other in check_reads(name)
        if other in position and position[other] > position[name] and name not in built_from(other)
    ]
    assert late == []
    assert position["kpi_gaps"] < position["kpi_status"]
