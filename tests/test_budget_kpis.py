"""The month's budget where the reports compare figures: the CEO report's KPI gaps (table, CSV
file, the section's lines) and its revenue headline, and a domain report's revenue headline, each
equal to metrics.budget_variance; a KPI without a budget keeps its target only, and a portfolio
headline has a budget only when every entity with revenue has one (docs/decisions.md, 46)."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from conftest import build_report, load_warehouse, rows, write_portfolio

from exec_reporting.delivery import table_csv
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import against_budget

MAR = date(2026, 3, 1)
LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
BUDGET = "entity,month,metric,account_code,amount\n"

# shop (cash basis): a full 2025 (revenue 300 in January, 100 in every other month; rent 50 a
# month), then January to March 2026: revenue 550, 250, 150
SHOP = (
    LEDGER
    + "".join(
        f"S{m},2025-{m:02d}-05,4000,{300 if m == 1 else 100}.00,Sales,Guests\n"
        f"R{m},2025-{m:02d}-06,6000,-50.00,Rent,Landlord\n"
        for m in range(1, 13)
    )
    + (
        "S13,2026-01-05,4000,550.00,Sales,Guests\n"
        "R13,2026-01-06,6000,-50.00,Rent,Landlord\n"
        "S14,2026-02-05,4000,250.00,Sales,Guests\n"
        "R14,2026-02-06,6000,-50.00,Rent,Landlord\n"
        "S15,2026-03-05,4000,150.00,Sales,Guests\n"
        "R15,2026-03-06,6000,-50.00,Rent,Landlord\n"
    )
)
# boat (logistics, cash basis): one trip a month from January 2026, each paid on its day
BOAT_BOOKINGS = (
    "booking_id,channel,booked_on,service_date,amount,paid_on,status,quantity\n"
    "T1,direct,2026-01-02,2026-01-10,400.00,2026-01-10,confirmed,40\n"
    "T2,direct,2026-02-02,2026-02-10,450.00,2026-02-10,confirmed,45\n"
    "T3,direct,2026-03-02,2026-03-10,480.00,2026-03-10,confirmed,48\n"
)
BOAT = LEDGER + (
    "B1,2026-01-10,4000,400.00,Delivery T1,Owner A\n"
    "B2,2026-01-10,5000,-100.00,Fuel T1,Fuel Dock\n"
    "B3,2026-02-10,4000,450.00,Delivery T2,Owner B\n"
    "B4,2026-02-10,5000,-100.00,Fuel T2,Fuel Dock\n"
    "B5,2026-03-10,4000,480.00,Delivery T3,Owner C\n"
    "B6,2026-03-10,5000,-100.00,Fuel T3,Fuel Dock\n"
)
# idle: no revenue, only rent; no budget
IDLE = LEDGER + "I1,2026-03-06,6000,-20.00,Rent,Landlord\n"

SHOP_BUDGET = (
    # spread by 2025's revenue: 600 in January, 200 in each other month
    "shop,2026,revenue,,2800\n"
    # a cost: March's opex 50 against 40
    "shop,2026-03,opex,,40\n"
)
BOAT_BUDGET = "boat,2026-02,revenue,,400\nboat,2026-03,revenue,,600\n"

ENTITIES = [
    {
        "id": "shop",
        "name": "Shop",
        "kind": "charter",
        "kpis": [
            # March: 150 against 400, missed; budgeted
            {"metric": "revenue", "target": "400", "better": "higher"},
            # March: 50 against 100, met; budgeted (40)
            {"metric": "opex", "target": "100", "better": "lower"},
            # March: missed, and budget.csv cannot budget a balance
            {"metric": "cash_end", "target": "100000", "better": "higher"},
        ],
    },
    {
        "id": "boat",
        "name": "Boat Co",
        "kind": "logistics",
        # March: 480 against 1000, missed; budgeted (600)
        "kpis": [{"metric": "revenue", "target": "1000", "better": "higher"}],
    },
    {"id": "idle", "name": "Idle Holdings", "kind": "charter"},
]


def _portfolio(root, budget: str):
    files = {
        "shop/ledger.csv": SHOP,
        "boat/ledger.csv": BOAT,
        "boat/bookings.csv": BOAT_BOOKINGS,
        "idle/ledger.csv": IDLE,
        "budget.csv": BUDGET + budget,
    }
    path = write_portfolio(root, files, ENTITIES)
    return path, load_warehouse(path)


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory):
    return _portfolio(tmp_path_factory.mktemp("budget-kpis"), SHOP_BUDGET + BOAT_BUDGET)


@pytest.fixture(scope="module")
def ceo_march(budgeted):
    path, conn = budgeted
    return build_report(conn, path, "ceo", "2026-03")


def _variance(conn, entity_id: str, line: str, month: date = MAR) -> dict:
    found = rows(
        conn,
        "select * from metrics.budget_variance "
        "where entity_id = ? and line_kind = 'metric' and budget_line = ? and month = ?",
        [entity_id, line, month],
    )
    assert len(found) == 1, found
    return found[0]


def _kpi_table(report_json: dict) -> dict:
    section = next(s for s in report_json["sections"] if s["key"] == "kpi_gaps")
    return section["tables"][0]


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_the_kpi_table_shows_the_budget_of_metrics_budget_variance(budgeted, ceo_march):
    _, conn = budgeted
    _, rendered = ceo_march
    table = _kpi_table(json.loads(rendered.json))
    shown = {(r["entity_id"], r["kpi"]): r for r in table["rows"]}
    # the missed KPIs: shop's revenue and cash, boat's revenue (shop's opex is met)
    assert set(shown) == {("shop", "revenue"), ("shop", "cash_end"), ("boat", "revenue")}
    expected = {
        # 150 against March's 200; January to March 950 against 600 + 200 + 200; March 2025 100
        "shop": ("200.00", "-50.00", "950.00", "1000.00", "100.00"),
        # 480 against 600; February and March 930 against 1000; no March 2025 (before its data)
        "boat": ("600.00", "-120.00", "930.00", "1000.00", None),
    }
    for entity_id, figures in expected.items():
        row = shown[(entity_id, "revenue")]
        store = _variance(conn, entity_id, "revenue")
        got = [row[k] for k in ("budget", "budget_variance", "ytd_actual", "ytd_budget")]
        assert [_money(v) for v in got] == [Decimal(v) for v in figures[:4]]
        assert [_money(v) for v in got] == [
            store[k] for k in ("budget", "variance", "ytd_actual", "ytd_budget")
        ]
        # the KPI's actual is the budget line's: one figure, one story
        assert _money(row["actual"]) == store["month_actual"]
        if figures[4] is None:
            assert store["last_year_actual"] is None and row["last_year_actual"] == "n/a"
        else:
            assert _money(row["last_year_actual"]) == store["last_year_actual"]
            assert store["last_year_actual"] == Decimal(figures[4])


def test_a_kpi_without_a_budget_keeps_its_target_only(ceo_march):
    _, rendered = ceo_march
    table = _kpi_table(json.loads(rendered.json))
    cash = next(r for r in table["rows"] if r["kpi"] == "cash_end")
    assert cash["target"] == 100000.0
    assert cash["budget"] == "no budget"
    assert {cash[k] for k in ("budget_variance", "ytd_actual", "ytd_budget")} == {"–"}
    assert cash["last_year_actual"] == "–"


def test_the_email_keeps_the_key_columns_and_the_csv_has_the_budget(budgeted, ceo_march):
    _, conn = budgeted
    model, rendered = ceo_march
    table = next(s for s in model.sections if s.key == "kpi_gaps").tables[0]
    assert [c.key for c in table.email_columns] == ["name", "kpi_label", "basis", "actual"]
    assert "Same month last year" not in rendered.html.split("KPI gaps", 1)[1].split("</table>")[0]
    table_json = _kpi_table(json.loads(rendered.json))
    assert table_json["attachment"] == "kpi_gaps.csv"
    header, *lines = list(csv.reader(io.StringIO(table_csv(table_json).decode())))
    assert header[-5:] == [
        "Budget",
        "Against budget",
        "Actual, year to date",
        "Budget, year to date",
        "Same month last year",
    ]
    by_name = {(line[0], line[1]): dict(zip(header, line, strict=True)) for line in lines}
    shop = by_name[("Shop", "Revenue")]
    store = _variance(conn, "shop", "revenue")
    assert [Decimal(shop[h]) for h in header[-5:]] == [
        store["budget"],
        store["variance"],
        store["ytd_actual"],
        store["ytd_budget"],
        store["last_year_actual"],
    ]
    assert by_name[("Shop", "Cash at month end")]["Budget"] == "no budget"


def test_the_section_says_each_budgeted_kpi_against_its_budget(budgeted, ceo_march):
    _, conn = budgeted
    model, rendered = ceo_march
    lines = next(s for s in model.sections if s.key == "kpi_gaps").lines
    assert (
        "Against the March 2026 budget (budget.csv), the 3 KPIs it budgets, met or missed: the "
        "table's CSV file has the same figures for those missed, the CFO report every budget "
        "line." in lines
    )
    # met or missed: shop's opex met its target and is over its budget
    assert (
        "Shop revenue: $150.00, $50.00 under its March 2026 budget of $200.00; year to date "
        "$950.00 against $1,000.00 over 3 months; March 2025: $100.00." in lines
    )
    assert (
        "Shop operating expenses: $50.00, $10.00 over its March 2026 budget of $40.00; March "
        "2025: $50.00." in lines
    )
    assert (
        "Boat Co revenue: $480.00, $120.00 under its March 2026 budget of $600.00; year to date "
        "$930.00 against $1,000.00 over 2 months; March 2025: no data." in lines
    )
    # the figures are metrics.budget_variance's
    fmt = Formatter("USD", "en_US")
    for entity_id, line in (("shop", "revenue"), ("shop", "opex"), ("boat", "revenue")):
        store = _variance(conn, entity_id, line)
        assert any(
            fmt.money(store["budget"]) in shown and fmt.money(store["month_actual"]) in shown
            for shown in lines
        )
    assert lines[-1] in " ".join(rendered.text.split())


def test_the_ceo_revenue_headline_shows_the_portfolio_budget(budgeted, ceo_march):
    _, conn = budgeted
    model, rendered = ceo_march
    revenue = next(h for h in model.headlines if h.glossary == "revenue")
    # every entity with revenue has a budget for March: shop 200 + boat 600 (idle has no
    # revenue: its missing budget leaves the sum the whole portfolio's)
    assert (revenue.value, revenue.budget) == (Decimal("630.00"), Decimal("800.00"))
    assert (
        revenue.budget
        == _variance(conn, "shop", "revenue")["budget"]
        + _variance(conn, "boat", "revenue")["budget"]
    )
    assert (revenue.on_budget, revenue.budget_side, revenue.target) == (False, "below budget", None)
    headline = next(h for h in json.loads(rendered.json)["headlines"] if h["key"] == "revenue")
    assert (headline["budget"], headline["on_budget"]) == (800.0, False)
    assert "budget $800.00" in rendered.html
    assert "budget $800.00, below budget" in " ".join(rendered.text.split())
    assert "budget $800.00" in rendered.markdown
    # the other headlines have no budget
    assert [h.budget for h in model.headlines if h.glossary != "revenue"] == [None] * (
        len(model.headlines) - 1
    )


def test_a_budget_for_one_of_two_entities_is_no_portfolio_budget(tmp_path):
    path, conn = _portfolio(tmp_path, SHOP_BUDGET)
    model, rendered = build_report(conn, path, "ceo", "2026-03")
    revenue = next(h for h in model.headlines if h.glossary == "revenue")
    assert revenue.value == Decimal("630.00")
    assert revenue.budget is None
    headline = next(h for h in json.loads(rendered.json)["headlines"] if h["key"] == "revenue")
    assert (headline["budget"], headline["on_budget"]) == (None, None)
    assert "budget $" not in rendered.html
    # the entity's own budget is still in the KPI gaps; boat's revenue has none
    table = _kpi_table(json.loads(rendered.json))
    shown = {(r["entity_id"], r["kpi"]): r for r in table["rows"]}
    assert shown[("shop", "revenue")]["budget"] == 200.0
    assert shown[("boat", "revenue")]["budget"] == "no budget"


def test_a_domain_report_shows_its_revenue_budget(budgeted):
    path, conn = budgeted
    model, rendered = build_report(conn, path, "logistics", "2026-03", "boat")
    revenue = next(h for h in model.headlines if h.glossary == "revenue")
    store = _variance(conn, "boat", "revenue")
    assert (revenue.value, revenue.budget) == (store["month_actual"], store["budget"])
    assert revenue.budget == Decimal("600.00")
    # no target on the trips' revenue: the figure's colour says how it stands to its budget
    assert (revenue.target, revenue.good) == (None, False)
    headline = next(h for h in json.loads(rendered.json)["headlines"] if h["key"] == "revenue")
    assert headline["budget"] == 600.0
    assert "budget $600.00, below budget" in " ".join(rendered.text.split())
    bridge = next(s for s in model.sections if s.key == "revenue_bridge")
    assert (
        "Against budget: revenue (cash basis) $480.00, $120.00 under its March 2026 budget of "
        "$600.00; year to date $930.00 against $1,000.00 over 2 months; March 2025: no data."
        in bridge.lines
    )
    # a month without a budget line: no budget on the headline, no line
    model, _ = build_report(conn, path, "logistics", "2026-01", "boat")
    assert next(h for h in model.headlines if h.glossary == "revenue").budget is None
    bridge = next(s for s in model.sections if s.key == "revenue_bridge")
    assert not any(line.startswith("Against budget") for line in bridge.lines)


def test_without_a_budget_file_the_ceo_report_says_nothing_of_budgets(tmp_path):
    path = write_portfolio(
        tmp_path,
        {"shop/ledger.csv": SHOP},
        [ENTITIES[0]],
    )
    conn = load_warehouse(path)
    model, rendered = build_report(conn, path, "ceo", "2026-03")
    assert all(h.budget is None for h in model.headlines)
    section = next(s for s in model.sections if s.key == "kpi_gaps")
    assert not any("budget" in line for line in section.lines)
    # an owner without a budget sees nothing new: not even a column of "no budget" in the CSV
    columns = [c["key"] for c in _kpi_table(json.loads(rendered.json))["columns"]]
    assert columns == [
        "name",
        "kpi_label",
        "basis",
        "actual",
        "target",
        "gap",
        "months_missed",
        "previous_actual",
    ]
    assert "budget $" not in rendered.text


def test_the_demo_ceo_report_shows_queen_of_san_diegos_october_budget(demo_warehouse):
    config_path, conn = demo_warehouse
    model, rendered = build_report(conn, config_path, "ceo", "2026-10")
    store = _variance(conn, "queen_of_san_diego", "revenue", date(2026, 10, 1))
    fmt = model.fmt
    lines = next(s for s in model.sections if s.key == "kpi_gaps").lines
    line = next(line for line in lines if line.startswith("Queen of San Diego revenue: "))
    assert line.startswith(
        f"Queen of San Diego revenue: {fmt.money(store['month_actual'])}, "
        f"{fmt.money(abs(store['variance']))} "
        f"{'over' if store['variance'] > 0 else 'under'} its October 2026 budget of "
        f"{fmt.money(store['budget'])}; year to date {fmt.money(store['ytd_actual'])} against "
        f"{fmt.money(store['ytd_budget'])} over {store['ytd_months']} months"
    )
    assert line in " ".join(rendered.text.split())
    # short of its flat target (missed, in the table), the seasonal budget beside it
    table = _kpi_table(json.loads(rendered.json))
    row = next(
        r for r in table["rows"] if (r["entity_id"], r["kpi"]) == ("queen_of_san_diego", "revenue")
    )
    for key, store_key in (
        ("budget", "budget"),
        ("budget_variance", "variance"),
        ("ytd_actual", "ytd_actual"),
        ("ytd_budget", "ytd_budget"),
        ("last_year_actual", "last_year_actual"),
    ):
        assert _money(row[key]) == store[store_key], key
    # the other entities' revenue has no budget: the portfolio headline has none
    revenue = next(h for h in model.headlines if h.glossary == "revenue")
    assert revenue.budget is None


@pytest.mark.parametrize(
    ("actual", "variance", "ytd_months", "last_year", "expected"),
    [
        (
            "90.00",
            "-10.00",
            2,
            "80.00",
            "$90.00, $10.00 under its March 2026 budget of $100.00; year to date $190.00 "
            "against $200.00 over 2 months; March 2025: $80.00",
        ),
        ("110.00", "10.00", 1, None, "$110.00, $10.00 over its March 2026 budget of $100.00; "
         "March 2025: no data"),
        ("100.00", "0.00", 1, "0.00", "$100.00, on its March 2026 budget of $100.00; March "
         "2025: $0.00"),
    ],
)  # fmt: skip
def test_a_figure_against_its_budget_in_words(actual, variance, ytd_months, last_year, expected):
    row = {
        "budget": Decimal("100.00"),
        "variance": Decimal(variance),
        "ytd_months": ytd_months,
        "ytd_actual": Decimal("190.00"),
        "ytd_budget": Decimal("200.00"),
        "last_year_actual": None if last_year is None else Decimal(last_year),
    }
    fmt = Formatter("USD", "en_US")
    assert against_budget(Decimal(actual), row, MAR, fmt) == expected
