"""Budgets: budget.csv loaded with nothing lost, annual targets spread by last year's months, and
each budget line against its actual (month, year to date, same month last year), on a small
portfolio computed by hand."""

import json
from datetime import date
from decimal import Decimal

import pytest
from conftest import build_report, load_warehouse, rows, write_portfolio

from exec_reporting.checks import run_check_file
from exec_reporting.metrics import check_outcome, relations

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
BUDGET = "entity,month,metric,account_code,amount\n"

# shop: a full 2025 (revenue 300 in January, 100 in every other month; rent 50 a month), then
# January to March 2026
SHOP_2025 = "".join(
    f"S{m},2025-{m:02d}-05,4000,{300 if m == 1 else 100}.00,Sales,Guests\n"
    f"R{m},2025-{m:02d}-06,6000,-50.00,Rent,Landlord\n"
    for m in range(1, 13)
)
SHOP_2026 = (
    "S13,2026-01-05,4000,550.00,Sales,Guests\n"
    "R13,2026-01-06,6000,-50.00,Rent,Landlord\n"
    "S14,2026-02-05,4000,250.00,Sales,Guests\n"
    "R14,2026-02-06,6000,-50.00,Rent,Landlord\n"
    "S15,2026-03-05,4000,150.00,Sales,Guests\n"
    "R15,2026-03-06,6000,-50.00,Rent,Landlord\n"
)
# new: opened in July 2025, six months of last year only
NEW = (
    "N1,2025-07-10,4000,100.00,Sales,Clients\n"
    "N2,2025-12-10,4000,900.00,Sales,Clients\n"
    "N3,2026-01-10,4000,400.00,Sales,Clients\n"
    "N4,2026-01-11,6100,-80.00,Software,Vendor\n"
    "N5,2026-02-10,4000,70.00,Sales,Clients\n"
)
FILES = {
    "shop/ledger.csv": LEDGER + SHOP_2025 + SHOP_2026,
    "new/ledger.csv": LEDGER + NEW,
    "budget.csv": BUDGET
    # an annual target: spread by 2025's revenue (300 in January, 100 in each other month)
    + "shop,2026,revenue,,2800\n"
    # one month's line on an account
    + "shop,2026-03,,6000,40.00\n"
    # an annual target with a month of its own: the rest, 660, spread evenly (no full year)
    + "new,2026,revenue,,1000\n"
    + "new,2026-01,revenue,,340\n"
    # an annual target that does not divide into cents
    + "new,2026,opex,,1000\n",
}
ENTITIES = [
    {"id": "shop", "name": "Shop", "kind": "charter"},
    {"id": "new", "name": "New", "kind": "agency"},
]


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory):
    path = write_portfolio(tmp_path_factory.mktemp("budget"), FILES, ENTITIES)
    return path, load_warehouse(path)


def _months(conn, entity_id: str, line: str) -> dict[date, dict]:
    found = rows(
        conn,
        "select * from metrics.budget_months where entity_id = ? and budget_line = ? order by month",
        [entity_id, line],
    )
    return {row["month"]: row for row in found}


def _variance(conn, entity_id: str, line: str, month: date) -> dict:
    found = rows(
        conn,
        "select * from metrics.budget_variance where entity_id = ? and budget_line = ? and month = ?",
        [entity_id, line, month],
    )
    assert len(found) == 1, found
    return found[0]


def test_an_annual_target_is_spread_by_the_same_months_last_year(budgeted):
    _, conn = budgeted
    months = _months(conn, "shop", "revenue")
    assert len(months) == 12
    # 2025: 300 + 11 x 100 = 1400; 2800 is twice that, month by month
    assert months[date(2026, 1, 1)]["budget"] == Decimal("600.00")
    assert {m["budget"] for d, m in months.items() if d.month > 1} == {Decimal("200.00")}
    assert sum(m["budget"] for m in months.values()) == Decimal("2800.00")
    assert {(m["budget_source"], m["spread"], m["annual_target"]) for m in months.values()} == {
        ("annual", "last year", Decimal("2800.00"))
    }


def test_without_a_full_year_of_history_the_rest_of_a_target_is_spread_evenly(budgeted):
    _, conn = budgeted
    revenue = _months(conn, "new", "revenue")
    # January keeps its own line; 1000 - 340 = 660 over the other eleven months
    assert revenue[date(2026, 1, 1)]["budget"] == Decimal("340.00")
    assert revenue[date(2026, 1, 1)]["budget_source"] == "month"
    assert {m["budget"] for d, m in revenue.items() if d.month > 1} == {Decimal("60.00")}
    assert {m["spread"] for d, m in revenue.items() if d.month > 1} == {"even"}
    # 1000 / 12 = 83.333...: rounded on the running total, so no cent is lost or made
    opex = [m["budget"] for _, m in sorted(_months(conn, "new", "opex").items())]
    assert opex == [Decimal(v) for v in ["83.33", "83.34", "83.33"] * 4]
    assert sum(opex) == Decimal("1000.00")


def test_a_month_with_a_budget_against_its_actual(budgeted):
    _, conn = budgeted
    january = _variance(conn, "shop", "revenue", date(2026, 1, 1))
    assert january["basis"] == "cash"
    assert (january["month_actual"], january["budget"], january["variance"]) == (
        Decimal("550.00"),
        Decimal("600.00"),
        Decimal("-50.00"),
    )
    assert january["variance_pct"] == pytest.approx(-50 / 600)
    assert january["favorable"] is False
    # a cost over its budget is unfavorable: rent 50 against 40
    rent = _variance(conn, "shop", "6000", date(2026, 3, 1))
    assert (rent["line_kind"], rent["line_name"], rent["better"]) == ("account", "Rent", "lower")
    assert (rent["month_actual"], rent["budget"], rent["variance"]) == (
        Decimal("50.00"),
        Decimal("40.00"),
        Decimal("10.00"),
    )
    assert rent["variance_pct"] == pytest.approx(0.25)
    assert rent["favorable"] is False


def test_year_to_date_adds_up_the_budgeted_months_so_far(budgeted):
    _, conn = budgeted
    february = _variance(conn, "shop", "revenue", date(2026, 2, 1))
    assert (february["ytd_months"], february["ytd_actual"], february["ytd_budget"]) == (
        2,
        Decimal("800.00"),
        Decimal("800.00"),
    )
    assert february["ytd_variance"] == 0
    march = _variance(conn, "shop", "revenue", date(2026, 3, 1))
    # 550 + 250 + 150 against 600 + 200 + 200
    assert (march["ytd_actual"], march["ytd_budget"], march["ytd_variance"]) == (
        Decimal("950.00"),
        Decimal("1000.00"),
        Decimal("-50.00"),
    )
    assert march["ytd_variance_pct"] == pytest.approx(-0.05)
    # rent is budgeted for March only: its year to date is March's
    rent = _variance(conn, "shop", "6000", date(2026, 3, 1))
    assert (rent["ytd_months"], rent["ytd_actual"], rent["ytd_budget"]) == (
        1,
        Decimal("50.00"),
        Decimal("40.00"),
    )


def test_the_same_month_last_year(budgeted):
    _, conn = budgeted
    january = _variance(conn, "shop", "revenue", date(2026, 1, 1))
    assert (january["last_year_actual"], january["change_on_last_year"]) == (
        Decimal("300.00"),
        Decimal("250.00"),
    )
    assert _variance(conn, "shop", "6000", date(2026, 3, 1))["last_year_actual"] == Decimal("50")
    # before the entity's first month there is no last year
    assert _variance(conn, "new", "revenue", date(2026, 1, 1))["last_year_actual"] is None


def test_only_months_with_an_actual_are_compared(budgeted):
    _, conn = budgeted
    compared = rows(
        conn,
        "select entity_id, budget_line, count(*) as months, max(month) as last "
        "from metrics.budget_variance group by all order by all",
    )
    assert compared == [
        {"entity_id": "new", "budget_line": "opex", "months": 2, "last": date(2026, 2, 1)},
        {"entity_id": "new", "budget_line": "revenue", "months": 2, "last": date(2026, 2, 1)},
        {"entity_id": "shop", "budget_line": "6000", "months": 1, "last": date(2026, 3, 1)},
        {"entity_id": "shop", "budget_line": "revenue", "months": 3, "last": date(2026, 3, 1)},
    ]


def test_the_budget_relations_pass_their_checks(budgeted):
    _, conn = budgeted
    for relation in relations():
        if relation.name.startswith("budget"):
            for check in relation.checks:
                outcome = check_outcome(conn, relation, check)
                assert outcome.passed, (relation.name, check, outcome.sample)


def test_a_target_its_own_months_exceed_is_a_warning_not_a_failure(tmp_path):
    path = write_portfolio(
        tmp_path,
        {
            "shop/ledger.csv": LEDGER + SHOP_2025,
            "budget.csv": BUDGET + "shop,2025,revenue,,100\nshop,2025-01,revenue,,150\n",
        },
    )
    conn = load_warehouse(path)
    months = _months(conn, "shop", "revenue")
    assert months[date(2025, 1, 1)]["budget"] == Decimal("150.00")
    assert {m["budget"] for d, m in months.items() if d.month > 1} == {Decimal("0.00")}
    outcome = run_check_file(conn, "checks/budget_months__annual_target_adds_up")
    assert outcome.passed
    assert outcome.tolerated == 1


def test_bad_rows_are_quarantined_with_the_reason_and_counted(tmp_path):
    path = write_portfolio(
        tmp_path,
        {
            "shop/ledger.csv": LEDGER + SHOP_2026,
            "budget.csv": BUDGET
            + "shop,2026-01,revenue,,500\n"  # line 2: loads
            + "nowhere,2026-01,revenue,,1\n"  # 3: no such entity
            + "shop,2026-01,margin,,1\n"  # 4: no such metric
            + "shop,2026-01,,9999,1\n"  # 5: no such account
            + "shop,2026-01,,1000,1\n"  # 6: not a profit-and-loss account
            + "shop,2026-01,,,1\n"  # 7: neither metric nor account
            + "shop,2026-01,revenue,4000,1\n"  # 8: both
            + "shop,2026-01,Revenue,,7\n"  # 9: line 2 again
            + "shop,26,revenue,,1\n"  # 10: not a month or a year
            + "shop,2026-02,revenue,,12.345\n"  # 11: not an amount
            + "shop,2026-02,,6000,50\n",  # 12: loads
        },
    )
    conn = load_warehouse(path)
    quarantined = rows(
        conn,
        "select line, column_name, value, reason from quarantine.rows "
        "where table_name = 'budget' and source_file = 'budget.csv' order by line",
    )
    reasons = {row["line"]: (row["column_name"], row["reason"]) for row in quarantined}
    assert reasons[3] == (
        "entity",
        "unknown entity nowhere: expected the id of an entity of reporting.yaml (shop)",
    )
    assert reasons[4][0] == "metric" and reasons[4][1].startswith(
        "expected one of revenue, cogs, gross_profit, opex, operating_income"
    )
    assert reasons[5] == (
        "account_code",
        "unknown account 9999: expected an account code of chart_of_accounts.csv",
    )
    assert reasons[6] == (
        "account_code",
        "account 1000 (Bank) is of type asset: expected a revenue or cogs or expense account",
    )
    assert reasons[7][0] == "metric" and reasons[7][1].startswith("missing value")
    assert reasons[8][0] == "account_code" and "not both" in reasons[8][1]
    assert reasons[9] == (
        "entity, month, metric, account_code",
        "duplicate key: entity, month, metric, account_code shop | 2026-01 | revenue |  "
        "already loaded from line 2",
    )
    assert reasons[10] == ("month", "expected a month YYYY-MM, or a year YYYY for an annual target")
    assert reasons[11][0] == "amount"
    assert sorted(reasons) == list(range(3, 12))
    loads = rows(
        conn,
        "select rows_read, rows_loaded, rows_quarantined from ingest.file_loads "
        "where table_name = 'budget'",
    )
    assert loads == [{"rows_read": 11, "rows_loaded": 2, "rows_quarantined": 9}]
    assert rows(conn, "select line from raw.budget order by line") == [
        {"line": 2},
        {"line": 12},
    ]


def test_no_budget_file_is_no_budget(tmp_path):
    path = write_portfolio(tmp_path, {"shop/ledger.csv": LEDGER + SHOP_2025 + SHOP_2026})
    conn = load_warehouse(path)
    for table in ("raw.budget", "metrics.budget_months", "metrics.budget_variance"):
        assert rows(conn, f"select count(*) as n from {table}") == [{"n": 0}]
    assert rows(conn, "select * from ingest.file_loads where table_name = 'budget'") == []
    model, rendered = build_report(conn, path, "cfo", "2026-03")
    assert "budget" not in [section.key for section in model.sections]
    assert "Budget vs actual" not in rendered.html


def test_the_cfo_report_shows_budget_against_actual(budgeted):
    path, conn = budgeted
    model, rendered = build_report(conn, path, "cfo", "2026-03")
    assert "Budget vs actual" in rendered.html
    assert "BUDGET VS ACTUAL" in rendered.text
    section = json.loads(rendered.json)["sections"]
    budget = next(s for s in section if s["key"] == "budget")
    shown = {(r["name"], r["line_name"]): r for r in budget["tables"][0]["rows"]}
    assert set(shown) == {("Shop", "Revenue"), ("Shop", "Rent")}
    revenue = shown[("Shop", "Revenue")]
    assert (revenue["budget"], revenue["month_actual"], revenue["variance"]) == (
        200.0,
        150.0,
        -50.0,
    )
    assert (revenue["ytd_budget"], revenue["ytd_actual"]) == (1000.0, 950.0)
    assert revenue["last_year_actual"] == 100.0
    # a month with no budget line says so
    model, rendered = build_report(conn, path, "cfo", "2025-06")
    budget = next(s for s in model.sections if s.key == "budget")
    assert budget.empty.startswith("No budget for")


def test_a_budget_line_is_counted_on_the_basis_the_reports_show(demo_warehouse):
    """Queen of San Diego is on the accrual basis: its revenue budget is held against the revenue
    every report shows (metrics.revenue), not the cash the bank received; an account line (Quick
    Dump Now's dump fees) is the bank ledger's, on the cash basis."""
    _, conn = demo_warehouse
    revenue = rows(
        conn,
        "select actuals.month, actuals.basis, actuals.month_actual, revenue.revenue, "
        "revenue.cash_received "
        "from metrics.budget_actuals as actuals "
        "inner join metrics.revenue as revenue using (entity_id, month) "
        "where actuals.entity_id = 'queen_of_san_diego' and actuals.budget_line = 'revenue'",
    )
    assert revenue
    assert {row["basis"] for row in revenue} == {"accrual"}
    assert all(row["month_actual"] == row["revenue"] for row in revenue)
    # the basis matters: in some month the cash received is not the revenue
    assert any(row["revenue"] != row["cash_received"] for row in revenue)
    fees = rows(
        conn,
        "select distinct basis from metrics.budget_actuals "
        "where entity_id = 'quick_dump_now' and budget_line = '5100'",
    )
    assert fees == [{"basis": "cash"}]
