"""The CFO report: scenarios, reserve and capital plan, break-even outlook, on hand-computed
fixtures; and the report's JSON against the metric store."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from conftest import build_report, load_warehouse, rows

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
# shop: rent 600 fixed, fuel variable; cafe: rent 1000 fixed only, revenue climbing
FILES = {
    "shop/ledger.csv": LEDGER
    + "S1,2025-01-05,4000,1000.00,Sales,Customers\n"
    + "S2,2025-01-06,6000,-600.00,Rent,Landlord\n"
    + "S3,2025-01-07,5000,-200.00,Fuel,Shell\n"
    + "S4,2025-02-05,4000,1200.00,Sales,Customers\n"
    + "S5,2025-02-06,6000,-600.00,Rent,Landlord\n"
    + "S6,2025-02-07,5000,-300.00,Fuel,Shell\n"
    + "S7,2025-03-05,4000,800.00,Sales,Customers\n"
    + "S8,2025-03-06,6000,-600.00,Rent,Landlord\n"
    + "S9,2025-03-31,5000,-200.00,Fuel,Shell\n",
    "cafe/ledger.csv": LEDGER
    + "C1,2025-01-02,4000,500.00,Sales,Guests\n"
    + "C2,2025-01-03,6000,-1000.00,Rent,Owner of the building\n"
    + "C3,2025-02-02,4000,600.00,Sales,Guests\n"
    + "C4,2025-02-03,6000,-1000.00,Rent,Owner of the building\n"
    + "C5,2025-03-02,4000,700.00,Sales,Guests\n"
    + "C6,2025-03-31,6000,-1000.00,Rent,Owner of the building\n",
}
ENTITIES = [
    {"id": "shop", "name": "Shop", "kind": "hauling", "opening_cash": 1000},
    {"id": "cafe", "name": "Cafe", "kind": "charter", "opening_cash": 5000},
]
CFO = {
    "reserve_months": 2,
    "projection_months": 3,
    "scenarios": {
        "base": {"revenue_growth": 0, "cost_growth": 0},
        "best": {"revenue_growth": 0.10, "cost_growth": 0},
        "worst": {"revenue_growth": -0.50, "cost_growth": 0},
    },
    "capital_candidates": [
        {"name": "A", "entity": "shop", "cost": 1000, "monthly_return": 100},
        {"name": "B", "entity": "cafe", "cost": 500, "monthly_return": 100},
        {"name": "C", "cost": 300, "monthly_return": 30},
    ],
}
MARCH = date(2025, 3, 1)


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    from conftest import write_portfolio

    path = write_portfolio(tmp_path_factory.mktemp("cfo"), FILES, ENTITIES, cfo=CFO)
    return path, load_warehouse(path)


def test_cash_projection_compounds_from_the_3_month_averages(fixture):
    _, conn = fixture
    projected = rows(
        conn,
        "select scenario, months_ahead, projected_month, revenue, costs, projected_cash "
        "from metrics.cash_projection where entity_id = 'shop' and month = ? "
        "order by scenario, months_ahead",
        [MARCH],
    )
    # shop at March: revenue avg (1000 + 1200 + 800) / 3 = 1000.00; gross burn avg
    # (800 + 900 + 800) / 3 = 833.33; cash 1000 + 200 + 300 + 0 = 1500.00
    d = Decimal
    assert projected == [
        # base: +166.67 a month
        {"scenario": "base", "months_ahead": 1, "projected_month": date(2025, 4, 1), "revenue": d("1000.00"), "costs": d("833.33"), "projected_cash": d("1666.67")},
        {"scenario": "base", "months_ahead": 2, "projected_month": date(2025, 5, 1), "revenue": d("1000.00"), "costs": d("833.33"), "projected_cash": d("1833.34")},
        {"scenario": "base", "months_ahead": 3, "projected_month": date(2025, 6, 1), "revenue": d("1000.00"), "costs": d("833.33"), "projected_cash": d("2000.01")},
        # best: revenue 1100, 1210, 1331
        {"scenario": "best", "months_ahead": 1, "projected_month": date(2025, 4, 1), "revenue": d("1100.00"), "costs": d("833.33"), "projected_cash": d("1766.67")},
        {"scenario": "best", "months_ahead": 2, "projected_month": date(2025, 5, 1), "revenue": d("1210.00"), "costs": d("833.33"), "projected_cash": d("2143.34")},
        {"scenario": "best", "months_ahead": 3, "projected_month": date(2025, 6, 1), "revenue": d("1331.00"), "costs": d("833.33"), "projected_cash": d("2641.01")},
        # worst: revenue 500, 250, 125: 1500 - 333.33 - 583.33 - 708.33
        {"scenario": "worst", "months_ahead": 1, "projected_month": date(2025, 4, 1), "revenue": d("500.00"), "costs": d("833.33"), "projected_cash": d("1166.67")},
        {"scenario": "worst", "months_ahead": 2, "projected_month": date(2025, 5, 1), "revenue": d("250.00"), "costs": d("833.33"), "projected_cash": d("583.34")},
        {"scenario": "worst", "months_ahead": 3, "projected_month": date(2025, 6, 1), "revenue": d("125.00"), "costs": d("833.33"), "projected_cash": d("-124.99")},
    ]  # fmt: skip


def test_break_even_outlook_needs_three_points_of_a_shrinking_gap(fixture):
    _, conn = fixture
    trend = rows(
        conn,
        "select month, revenue_gap, gap_trend_per_month, break_even_status, months_to_break_even, "
        "projected_break_even_month from metrics.break_even_trend order by entity_id, month",
    )
    # cafe: fixed 1000, no variable costs: break-even 1000; gaps 500, 400, 300 (slope -100)
    # shop: fixed 600 at margins 0.8, 0.75, 0.75: break-even 750, 800, 800, all reached
    assert trend == [
        {"month": date(2025, 1, 1), "revenue_gap": Decimal("500.00"), "gap_trend_per_month": None, "break_even_status": "not on current trend", "months_to_break_even": None, "projected_break_even_month": None},
        {"month": date(2025, 2, 1), "revenue_gap": Decimal("400.00"), "gap_trend_per_month": Decimal("-100.00"), "break_even_status": "not on current trend", "months_to_break_even": None, "projected_break_even_month": None},
        {"month": date(2025, 3, 1), "revenue_gap": Decimal("300.00"), "gap_trend_per_month": Decimal("-100.00"), "break_even_status": "projected", "months_to_break_even": 3, "projected_break_even_month": date(2025, 6, 1)},
        {"month": date(2025, 1, 1), "revenue_gap": Decimal("-250.00"), "gap_trend_per_month": None, "break_even_status": "reached", "months_to_break_even": None, "projected_break_even_month": None},
        {"month": date(2025, 2, 1), "revenue_gap": Decimal("-400.00"), "gap_trend_per_month": Decimal("-150.00"), "break_even_status": "reached", "months_to_break_even": None, "projected_break_even_month": None},
        {"month": date(2025, 3, 1), "revenue_gap": Decimal("0.00"), "gap_trend_per_month": Decimal("125.00"), "break_even_status": "reached", "months_to_break_even": None, "projected_break_even_month": None},
    ]  # fmt: skip


def test_reserve_and_capital_plan_fund_each_candidate_on_its_own_entity_in_payback_order(fixture):
    _, conn = fixture
    reserve = rows(conn, "select * from metrics.cash_reserve where month = ?", [MARCH])
    # cash 1500 + 3800; gross burn averages 833.33 + 1000.00; reserve 2 x 1833.33
    assert reserve == [
        {
            "month": MARCH,
            "cash": Decimal("5300.00"),
            "gross_burn_avg_3m": Decimal("1833.33"),
            "reserve_months": Decimal("2.00"),
            "reserve": Decimal("3666.66"),
            "deployable_cash": Decimal("1633.34"),
        }
    ]
    plan = rows(
        conn,
        "select payback_rank, candidate, payback_months, cumulative_cost, decision "
        "from metrics.capital_plan where month = ? order by payback_rank",
        [MARCH],
    )
    # B pays back in 5 months; C and A in 10, C first for its smaller cost. Each is decided on
    # its own entity's floor (decision 36), here its reserve: cafe 2 x 1000.00 = 2000.00 under a
    # base path of 3800, 3400, 3000, 2600 leaves 600 of room: B (500) fits. C has no entity and
    # nobody can give 300 (cafe has 100 left, shop is below its reserve of 2 x 833.33); A needs
    # shop's 1000 plus the 166.66 it is below its reserve, and nobody has that.
    assert plan == [
        {"payback_rank": 1, "candidate": "B", "payback_months": 5.0, "cumulative_cost": Decimal("500.00"), "decision": "fund"},
        {"payback_rank": 2, "candidate": "C", "payback_months": 10.0, "cumulative_cost": Decimal("800.00"), "decision": "cannot fund"},
        {"payback_rank": 3, "candidate": "A", "payback_months": 10.0, "cumulative_cost": Decimal("1800.00"), "decision": "cannot fund"},
    ]  # fmt: skip


def test_the_report_says_it_and_its_json_matches_the_metric_store(fixture):
    path, conn = fixture
    model, rendered = build_report(conn, path, "cfo", "2025-03")
    figures = json.loads(rendered.json)
    # the verdict in the subject (decision 44): cash and its change on February, the runway
    assert figures["subject"] == (
        "Executive Report: CFO - Mar 2025 - cash $5.3K (-$300), runway 22.7 mo"
    )
    headline = {h["label"]: h for h in figures["headlines"]}
    assert headline["Cash at month end"]["value"] == 5300.00
    assert headline["Cash at month end"]["previous"] == 5600.00  # 1500 + 4100 in February
    assert headline["Cash at month end"]["change"] == -300.00
    # no owner money, loans or assets: cash burn is the operating burn, both named
    assert model.verdicts == [
        # each with its grade, as the CEO report gives it (decision 44): the cafe has under 12
        # months of cash, the shop nothing to act on or watch
        "Cafe, watch: cash burn $400 a month, 9.5 months of cash; operating burn $400 a month; "
        "$300 below break-even revenue (cash basis).",
        "Shop, on track: cash not falling, up $167 a month on average after draws and debt service; "
        "operations earning $167 a month; above break-even.",
    ]
    sections = {s["key"]: s for s in figures["sections"]}
    assert list(sections) == [
        "burn",
        "cash_flows",
        "revenue_bridge",
        "balance_sheet",
        "scenarios",
        "forecast_13_weeks",
        "next_30_days",
        "capital",
        "break_even",
    ]

    burn = sections["burn"]["tables"][0]
    store = {
        r["entity_id"]: r for r in rows(conn, "select * from metrics.burn where month = ?", [MARCH])
    }
    names = {"Cafe": "cafe", "Shop": "shop"}
    for row in burn["rows"]:
        metric = store[names[row["name"]]]
        # burn counts the cash received: metrics.burn's revenue, shown as what it is
        assert Decimal(str(row["cash_received"])) == metric["revenue"], row["name"]
        for key in ("gross_burn", "net_burn", "net_burn_avg_3m", "cash_end"):
            assert Decimal(str(row[key])) == metric[key], (row["name"], key)
    assert burn["total"]["cash_end"] == 5300.00

    capital = sections["capital"]
    assert capital["lines"][0] == (
        "Cash $5,300.00; reserve $3,666.66: 2.0 months of the gross burn averaged over January "
        "2025 to March 2025, $1,833.33 a month (March 2025 alone: $1,800.00, the burn table's "
        "total); deployable $1,633.34."
    )
    assert [r["decision"] for r in capital["tables"][0]["rows"]] == [
        "fund",
        "cannot fund",
        "cannot fund",
    ]
    scenarios = sections["scenarios"]["tables"][0]
    shop = next(r for r in scenarios["rows"] if r["name"] == "Shop")
    assert shop["worst_cash"] == -124.99 and shop["worst_out"] == "June 2025"
    assert shop["base_out"] == "not within 12 months"
    outlook = {r["name"]: r["outlook"] for r in sections["break_even"]["tables"][0]["rows"]}
    assert outlook == {"Cafe": "reached by June 2025 on the current trend", "Shop": "reached"}
    assert {c["name"] for c in sections["burn"]["charts"]} == {"cash", "runway"}
    assert sorted(rendered.images) == ["cfo.cash.png", "cfo.runway.png", "cfo.scenarios.png"]
    for text in (rendered.text, rendered.html, rendered.markdown):
        # as words (as test_report_ceo.assert_no_none): "financing" is no missing figure
        assert not re.search(r"\b(None|nan|NaN)\b", text)


def test_the_demo_october_says_where_the_cash_went(demo_warehouse):
    # October 2026: the portfolio's operations lost money and the owner drew and repaid loans, so
    # its cash fell although the 3-month operating burn is negative: the runway is on cash burn
    path, conn = demo_warehouse
    model, rendered = build_report(conn, path, "cfo", "2026-10")
    flows = rows(
        conn, "select * from metrics.portfolio_cash_flows where month = date '2026-10-01'"
    )[0]
    assert (flows["net_change"], flows["operating"]) == (Decimal("-17726.36"), Decimal("-3917.30"))
    assert (flows["owner_draws"], flows["loan_principal"]) == (
        Decimal("9000.00"),
        Decimal("4682.54"),
    )
    sections = {s.key: s for s in model.sections}
    assert (
        "Portfolio: cash fell $17,726.36 in October 2026 ($273,906.53 to $256,180.17): $3,917.30 "
        "operating loss, $9,000.00 owner draws, $4,682.54 loan principal, $126.52 on account "
        "codes missing from the chart."
    ) in sections["cash_flows"].lines
    assert (
        "Queen of San Diego's cash of $47,074.97 is above its $30,000.00 target only because the "
        "owner put in $75,000.00 this year: without it, -$27,925.03."
    ) in sections["cash_flows"].lines
    headlines = {h.glossary: h for h in model.headlines}
    runway = headlines["cash_runway_months"]
    assert (runway.label, runway.value, runway.note) == (
        "Runway on cash burn",
        Decimal("20.4"),
        "cash not falling",
    )
    assert "not burning" not in rendered.text
    assert headlines["cash_burn_avg_3m"].value == Decimal("12573.20")
    assert headlines["net_burn_avg_3m"].label == "Operating burn, 3-month average"
    # the statement's portfolio row is metrics.portfolio_cash_flows'
    total = sections["cash_flows"].tables[0].total
    for key in ("cash_start", "operating", "owner_draws", "loan_principal", "net_change"):
        assert total[key] == flows[key], key
    # each entity's bridge leads from the cash received to metrics.revenue's revenue
    revenue = {
        r["entity_id"]: r
        for r in rows(conn, "select * from metrics.revenue where month = date '2026-10-01'")
    }
    bridge = sections["revenue_bridge"].tables[0].rows
    for entity_id, row in revenue.items():
        lines = [r for r in bridge if r["entity_id"] == entity_id]
        if row["cash_received"] == row["revenue"]:
            # Quick Dump Now, on the cash basis: nothing to bridge, no rows
            assert lines == [] and row["basis"] == "cash", entity_id
            continue
        assert lines[0]["line"] == "Cash received"
        assert lines[0]["amount"] == row["cash_received"]
        assert lines[-1]["line"] == f"Revenue ({row['basis']} basis)"
        assert lines[-1]["amount"] == row["revenue"]
        assert sum(r["amount"] for r in lines[:-1]) == row["revenue"]
    eyd = [r for r in bridge if r["entity_id"] == "expert_yacht_delivery"]
    assert [(r["line"], r["amount"]) for r in eyd] == [
        ("Cash received", Decimal("8072.66")),
        ("Plus: earned, not yet paid", Decimal("5643.00")),
        ("Revenue (accrual basis)", Decimal("13715.66")),
    ]
    assert headlines["revenue"].value == sum(r["revenue"] for r in revenue.values())
    # the portfolio's bridge: every entity's cash received to their revenue, each on its basis
    portfolio = [(r["line"], r["amount"]) for r in bridge if r["entity_id"] is None]
    assert portfolio[0] == ("Cash received", sum(r["cash_received"] for r in revenue.values()))
    assert portfolio[-1] == ("Revenue (each entity's basis)", headlines["revenue"].value)
    assert sum(amount for _, amount in portfolio[:-1]) == portfolio[-1][1]
