"""Forecasts that include what is known (decision 36): the 12-month projection from the seasonal
shape plus scheduled flows and the capital plan, the 13-week cash forecast, and capital decided
per entity, on a small portfolio computed by hand."""

from datetime import date
from decimal import Decimal

import pytest
from conftest import build_report, load_warehouse, rows

D = Decimal
OCTOBER = date(2025, 10, 1)
CHART = """\
code,name,type,behavior
1000,Bank,asset,
2000,Loan,liability,
3100,Owner draws,equity,
4000,Sales,revenue,
6000,Rent,expense,fixed
6500,Loan interest,expense,fixed
"""
LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"


def months(first: date, count: int) -> list[str]:
    out, year, month = [], first.year, first.month
    for _ in range(count):
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


# boat: 14 months (Sep 2024 - Oct 2025): sales 1000 a month but 500 in November 2024, rent 600 on
# the 3rd; in October 2025 a loan payment (300 principal, 50 interest, on the 10th) and an owner
# draw of 1200 on the 25th; a charter booked for Nov 20, unpaid.
boat = LEDGER
for i, m in enumerate(months(date(2024, 9, 1), 14)):
    boat += f"B{i}1,{m}-02,4000,{'500.00' if m == '2024-11' else '1000.00'},Sales,Guests\n"
    boat += f"B{i}2,{m}-03,6000,-600.00,Rent,Landlord\n"
boat += "L1,2025-10-10,2000,-300.00,Loan principal,Harbor Bank\n"
boat += "L2,2025-10-10,6500,-50.00,Loan interest,Harbor Bank\n"
boat += "D1,2025-10-25,3100,-1200.00,Owner draw,Owner\n"
# shop: 3 months (Aug - Oct 2025): sales 1000, 1200, 800, rent 600; an invoice due Nov 9, open
shop = LEDGER
for i, (m, sales) in enumerate(
    zip(months(date(2025, 8, 1), 3), ("1000", "1200", "800"), strict=True)
):
    shop += f"S{i}1,{m}-05,4000,{sales}.00,Sales,Customers\n"
    shop += f"S{i}2,{m}-06,6000,-600.00,Rent,Landlord\n"
# flat: 3 months of rent, 1500 on the 1st, unit U1, each lease month booked and paid
flat = LEDGER
flat_bookings = "booking_id,channel,booked_on,service_date,amount,paid_on,status\n"
for i, m in enumerate(months(date(2025, 8, 1), 3)):
    flat += f"F{i}1,{m}-01,4000,1500.00,Rent,Tenant\n"
    flat_bookings += f"U1-{m},lease,{m}-01,{m}-01,1500.00,{m}-01,confirmed\n"

FILES = {
    "boat/ledger.csv": boat,
    "boat/bookings.csv": "booking_id,channel,booked_on,service_date,amount,paid_on,status\n"
    "C1,direct,2025-10-15,2025-11-20,700.00,,confirmed\n",
    "shop/ledger.csv": shop,
    "shop/invoices.csv": "invoice_id,client,issued_on,due_on,amount,paid_on,paid_amount,hours\n"
    "I1,Acme,2025-10-10,2025-11-09,500.00,,,\n",
    "flat/ledger.csv": flat,
    "flat/bookings.csv": flat_bookings,
}


def cash_target(amount: int) -> list[dict]:
    return [{"metric": "cash_end", "target": amount, "better": "higher"}]


ENTITIES = [
    {"id": "boat", "name": "Boat", "kind": "charter", "opening_cash": 1000,
     "kpis": cash_target(1000)},
    {"id": "shop", "name": "Shop", "kind": "hauling", "opening_cash": 2000,
     "kpis": cash_target(3000)},
    {"id": "flat", "name": "Flat", "kind": "rental", "opening_cash": 500,
     "kpis": cash_target(4000)},
]  # fmt: skip
CFO = {
    "reserve_months": 2,
    "projection_months": 3,
    "scenarios": {
        "base": {"revenue_growth": 0, "cost_growth": 0},
        "best": {"revenue_growth": 0.10, "cost_growth": 0},
        "worst": {"revenue_growth": -0.50, "cost_growth": 0},
    },
    # payback 2, 4 and 10 months: decided in that order
    "capital_candidates": [
        {"name": "Sails", "entity": "boat", "cost": 1000, "monthly_return": 500},
        {"name": "Van", "entity": "shop", "cost": 1000, "monthly_return": 250},
        {"name": "Crane", "entity": "shop", "cost": 5000, "monthly_return": 500},
    ],
}


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    from conftest import write_portfolio

    path = write_portfolio(
        tmp_path_factory.mktemp("forecasts"),
        FILES,
        ENTITIES,
        chart=CHART,
        first_month="2024-09",
        cfo=CFO,
    )
    return path, load_warehouse(path)


def projection(conn, entity: str, scenario: str = "base") -> list[dict]:
    return rows(
        conn,
        "select months_ahead, seasonal_basis, known_receipts, unbooked_revenue, revenue, "
        "known_costs, other_costs, costs, loan_principal, owner_draws, capital_spend, transfers, "
        "net_cash_flow, projected_cash from metrics.cash_projection "
        "where entity_id = ? and month = ? and scenario = ? order by months_ahead",
        [entity, OCTOBER, scenario],
    )


def test_with_13_months_the_projection_follows_last_year_and_adds_the_known_flows(fixture):
    _, conn = fixture
    # boat's cash at October's end: 1000 + 13 x 1000 + 500 - 14 x 600 - 350 - 1200 = 4550.
    # November follows November 2024 (revenue 500, costs 600); the charter booked for Nov 20
    # (700) is more than that, so revenue is the 700 known. Known costs: the rent (recurring)
    # and the loan interest, 650, above last year's 600. Below the line: principal 300, the
    # owner's draw averaged over twelve months (1200 / 12 = 100), the sails (1000, funded on
    # boat's own cash) and the 800 sent to shop for its van.
    assert projection(conn, "boat") == [
        {"months_ahead": 1, "seasonal_basis": "same month last year", "known_receipts": D("700.00"), "unbooked_revenue": D("0.00"), "revenue": D("700.00"), "known_costs": D("650.00"), "other_costs": D("0.00"), "costs": D("650.00"), "loan_principal": D("300.00"), "owner_draws": D("100.00"), "capital_spend": D("1000.00"), "transfers": D("-800.00"), "net_cash_flow": D("-2150.00"), "projected_cash": D("2400.00")},
        # December and January follow December and January 2024-25: revenue 1000, costs 600
        {"months_ahead": 2, "seasonal_basis": "same month last year", "known_receipts": D("0.00"), "unbooked_revenue": D("1000.00"), "revenue": D("1000.00"), "known_costs": D("650.00"), "other_costs": D("0.00"), "costs": D("650.00"), "loan_principal": D("300.00"), "owner_draws": D("100.00"), "capital_spend": D("0.00"), "transfers": D("0.00"), "net_cash_flow": D("-50.00"), "projected_cash": D("2350.00")},
        {"months_ahead": 3, "seasonal_basis": "same month last year", "known_receipts": D("0.00"), "unbooked_revenue": D("1000.00"), "revenue": D("1000.00"), "known_costs": D("650.00"), "other_costs": D("0.00"), "costs": D("650.00"), "loan_principal": D("300.00"), "owner_draws": D("100.00"), "capital_spend": D("0.00"), "transfers": D("0.00"), "net_cash_flow": D("-50.00"), "projected_cash": D("2300.00")},
    ]  # fmt: skip


def test_the_scenario_rates_grow_the_seasonal_base_not_the_known_flows(fixture):
    _, conn = fixture
    worst = projection(conn, "boat", "worst")
    # worst halves revenue each month: November 500 x 0.5 = 250 is still below the 700 booked,
    # December 1000 x 0.25 = 250 and January 1000 x 0.125 = 125; the costs and flows stay
    assert [(r["revenue"], r["costs"], r["net_cash_flow"]) for r in worst] == [
        (D("700.00"), D("650.00"), D("-2150.00")),
        (D("250.00"), D("650.00"), D("-800.00")),
        (D("125.00"), D("650.00"), D("-925.00")),
    ]


def test_before_13_months_the_projection_starts_from_the_3_month_averages(fixture):
    _, conn = fixture
    # shop: revenue (1000 + 1200 + 800) / 3 = 1000, gross burn 600; the invoice (500, due Nov 9)
    # is part of November's 1000, not on top; the rent is the recurring 600. Cash at October's
    # end 2000 + 3000 - 1800 = 3200; the van (1000) is paid with 800 from boat.
    assert projection(conn, "shop") == [
        {"months_ahead": 1, "seasonal_basis": "3-month average", "known_receipts": D("500.00"), "unbooked_revenue": D("500.00"), "revenue": D("1000.00"), "known_costs": D("600.00"), "other_costs": D("0.00"), "costs": D("600.00"), "loan_principal": D("0.00"), "owner_draws": D("0.00"), "capital_spend": D("1000.00"), "transfers": D("800.00"), "net_cash_flow": D("200.00"), "projected_cash": D("3400.00")},
        {"months_ahead": 2, "seasonal_basis": "3-month average", "known_receipts": D("0.00"), "unbooked_revenue": D("1000.00"), "revenue": D("1000.00"), "known_costs": D("600.00"), "other_costs": D("0.00"), "costs": D("600.00"), "loan_principal": D("0.00"), "owner_draws": D("0.00"), "capital_spend": D("0.00"), "transfers": D("0.00"), "net_cash_flow": D("400.00"), "projected_cash": D("3800.00")},
        {"months_ahead": 3, "seasonal_basis": "3-month average", "known_receipts": D("0.00"), "unbooked_revenue": D("1000.00"), "revenue": D("1000.00"), "known_costs": D("600.00"), "other_costs": D("0.00"), "costs": D("600.00"), "loan_principal": D("0.00"), "owner_draws": D("0.00"), "capital_spend": D("0.00"), "transfers": D("0.00"), "net_cash_flow": D("400.00"), "projected_cash": D("4200.00")},
    ]  # fmt: skip


def test_future_rent_of_a_let_unit_is_known_revenue(fixture):
    _, conn = fixture
    flat = projection(conn, "flat")
    # U1 is let in October at 1500: its rent goes on, on the 1st, and is the whole estimate
    assert [(r["known_receipts"], r["unbooked_revenue"], r["projected_cash"]) for r in flat] == [
        (D("1500.00"), D("0.00"), D("6500.00")),
        (D("1500.00"), D("0.00"), D("8000.00")),
        (D("1500.00"), D("0.00"), D("9500.00")),
    ]


def test_the_13_week_forecast_lists_each_known_flow_in_its_week(fixture):
    _, conn = fixture
    flows = rows(
        conn,
        "select entity_id, week, week_start, flow_date, flow_kind, source_id, amount "
        "from metrics.cash_forecast_flows where month = ? and week <= 4 "
        "order by entity_id, flow_date, flow_kind",
        [OCTOBER],
    )
    # week 1 starts Nov 1, the day after October ends; weeks run Nov 1, 8, 15, 22
    assert flows == [
        {"entity_id": "boat", "week": 1, "week_start": date(2025, 11, 1), "flow_date": date(2025, 11, 1), "flow_kind": "capital", "source_id": "Sails", "amount": D("-1000.00")},
        {"entity_id": "boat", "week": 1, "week_start": date(2025, 11, 1), "flow_date": date(2025, 11, 1), "flow_kind": "transfer out", "source_id": "Van", "amount": D("-800.00")},
        {"entity_id": "boat", "week": 1, "week_start": date(2025, 11, 1), "flow_date": date(2025, 11, 3), "flow_kind": "recurring payment", "source_id": "Landlord", "amount": D("-600.00")},
        {"entity_id": "boat", "week": 2, "week_start": date(2025, 11, 8), "flow_date": date(2025, 11, 10), "flow_kind": "loan interest", "source_id": "Harbor Bank", "amount": D("-50.00")},
        {"entity_id": "boat", "week": 2, "week_start": date(2025, 11, 8), "flow_date": date(2025, 11, 10), "flow_kind": "loan principal", "source_id": "Harbor Bank", "amount": D("-300.00")},
        # the unpaid charter on its service date
        {"entity_id": "boat", "week": 3, "week_start": date(2025, 11, 15), "flow_date": date(2025, 11, 20), "flow_kind": "booking", "source_id": "C1", "amount": D("700.00")},
        {"entity_id": "boat", "week": 4, "week_start": date(2025, 11, 22), "flow_date": date(2025, 11, 25), "flow_kind": "owner draw", "source_id": "owner", "amount": D("-100.00")},
        {"entity_id": "flat", "week": 1, "week_start": date(2025, 11, 1), "flow_date": date(2025, 11, 1), "flow_kind": "rent", "source_id": "U1", "amount": D("1500.00")},
        {"entity_id": "shop", "week": 1, "week_start": date(2025, 11, 1), "flow_date": date(2025, 11, 1), "flow_kind": "capital", "source_id": "Van", "amount": D("-1000.00")},
        {"entity_id": "shop", "week": 1, "week_start": date(2025, 11, 1), "flow_date": date(2025, 11, 1), "flow_kind": "transfer in", "source_id": "Van", "amount": D("800.00")},
        {"entity_id": "shop", "week": 1, "week_start": date(2025, 11, 1), "flow_date": date(2025, 11, 6), "flow_kind": "recurring payment", "source_id": "Landlord", "amount": D("-600.00")},
        # the open invoice in the week of its due date, Nov 9
        {"entity_id": "shop", "week": 2, "week_start": date(2025, 11, 8), "flow_date": date(2025, 11, 9), "flow_kind": "receivable", "source_id": "I1", "amount": D("500.00")},
    ]  # fmt: skip


def test_the_13_week_balance_rolls_from_the_month_end_cash(fixture):
    _, conn = fixture
    weeks = rows(
        conn,
        "select week, cash_start, inflows, outflows, cash_end from metrics.cash_forecast_weeks "
        "where entity_id = 'boat' and month = ? and week <= 4 order by week",
        [OCTOBER],
    )
    assert weeks == [
        {"week": 1, "cash_start": D("4550.00"), "inflows": D("0.00"), "outflows": D("2400.00"), "cash_end": D("2150.00")},
        {"week": 2, "cash_start": D("2150.00"), "inflows": D("0.00"), "outflows": D("350.00"), "cash_end": D("1800.00")},
        {"week": 3, "cash_start": D("1800.00"), "inflows": D("700.00"), "outflows": D("0.00"), "cash_end": D("2500.00")},
        {"week": 4, "cash_start": D("2500.00"), "inflows": D("0.00"), "outflows": D("100.00"), "cash_end": D("2400.00")},
    ]  # fmt: skip
    count = rows(
        conn, "select count(*) as weeks from metrics.cash_forecast_weeks where month = ?", [OCTOBER]
    )
    assert count == [{"weeks": 39}]  # 13 weeks for each of the three entities


def test_capital_is_funded_on_its_own_entity_by_a_transfer_or_not_at_all(fixture):
    _, conn = fixture
    plan = rows(
        conn,
        "select payback_rank, candidate, room_before, decision, paid_by, transfer_from, "
        "transfer_amount, room_after, donor_room_after from metrics.capital_plan "
        "where month = ? order by payback_rank",
        [OCTOBER],
    )
    # Rooms before any capital (base projection, lowest point from October's end, less the cash
    # target): boat 4550, 4200, 4150, 4100 over a target of 1000: 3100; shop 3200 at October's
    # end (then rising) over 3000: 200; flat 5000 over 4000: 1000.
    assert plan == [
        # the sails fit in boat's own room: 3100 - 1000 = 2100 left
        {"payback_rank": 1, "candidate": "Sails", "room_before": D("3100.00"), "decision": "fund", "paid_by": "boat", "transfer_from": None, "transfer_amount": None, "room_after": D("2100.00"), "donor_room_after": None},
        # the van: shop has 200, so 800 comes from the business with the most room, boat
        {"payback_rank": 2, "candidate": "Van", "room_before": D("200.00"), "decision": "fund with transfer", "paid_by": "shop", "transfer_from": "boat", "transfer_amount": D("800.00"), "room_after": D("0.00"), "donor_room_after": D("1300.00")},
        # the crane: 5000 missing, and no business has that much room
        {"payback_rank": 3, "candidate": "Crane", "room_before": D("0.00"), "decision": "cannot fund", "paid_by": None, "transfer_from": None, "transfer_amount": None, "room_after": D("0.00"), "donor_room_after": None},
    ]  # fmt: skip


def test_every_forecast_check_passes(fixture):
    from exec_reporting.metrics import relation, run_check

    _, conn = fixture
    for name in ("cash_projection", "capital_plan", "cash_forecast_flows", "cash_forecast_weeks"):
        for check in relation(name).checks:
            assert run_check(conn, relation(name), check) == (0, []), (name, check)


def test_a_week_that_does_not_roll_fails_the_blocking_check(fixture):
    from exec_reporting.metrics import relation, run_check

    _, conn = fixture
    conn.execute("create table forecast_weeks_saved as from metrics.cash_forecast_weeks")
    try:
        conn.execute(
            "update metrics.cash_forecast_weeks set cash_end = cash_end + 1 "
            "where entity_id = 'boat' and month = ? and week = 2",
            [OCTOBER],
        )
        count, _ = run_check(conn, relation("cash_forecast_weeks"), "rolls")
        # week 2 no longer adds up, and week 3 no longer starts where week 2 ended
        assert count == 2
    finally:
        conn.execute(
            "create or replace table metrics.cash_forecast_weeks as from forecast_weeks_saved"
        )
        conn.execute("drop table forecast_weeks_saved")


def test_the_cfo_report_shows_the_parts_the_weeks_and_the_transfer(fixture):
    path, conn = fixture
    _, rendered = build_report(conn, path, "cfo", "2025-10")
    import json

    sections = {s["key"]: s for s in json.loads(rendered.json)["sections"]}
    parts = {r["name"]: r for r in sections["scenarios"]["tables"][1]["rows"]}
    assert parts["Boat"]["loan_principal"] == 900.00 and parts["Boat"]["owner_draws"] == 300.00
    assert parts["Boat"]["projected_cash"] == 2300.00
    weeks = sections["forecast_13_weeks"]
    grid = weeks["tables"][0]["rows"]
    assert [r["week_start"] for r in grid][:2] == ["2025-11-01", "2025-11-08"]
    assert (grid[0]["boat"], grid[1]["boat"], grid[2]["boat"]) == (2150.00, 1800.00, 2500.00)
    assert weeks["lines"][1].startswith("Boat: $4,550.00 to ")
    capital = sections["capital"]["lines"]
    assert (
        "Van needs a transfer of $800.00 from Boat, which keeps $1,300.00 above its own floor after it."
        in capital
    )
    assert any(line.startswith("Crane cannot be funded") for line in capital)
