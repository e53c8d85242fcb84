"""The weeks of the metric store (metrics.weeks, metrics.daily_flows, metrics.weekly_flows;
docs/metrics.md, docs/decisions.md #51): figures worked out by hand on a two-business portfolio in
Los Angeles (a week spanning September's end, quiet weeks, a Stripe payment at Sunday 23:30 local
that is Monday in UTC), the weeks of each month adding up to the month's figures to the cent, and
the demo, whose every week and month adds up and whose every check passes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import dagster as dg
import pytest
from conftest import load_warehouse, rows, write_portfolio

from exec_reporting.config import load_config
from exec_reporting.definitions import INGEST_JOB, build_definitions
from exec_reporting.metrics import relation, relations, run_check
from exec_reporting.sqlfiles import read_sql, tables_named

CHART = """\
code,name,type,behavior
1000,Bank,asset,
1900,Stripe payouts,asset,
4000,Sales,revenue,
6000,Marina,expense,fixed
6200,Card fees,expense,variable
"""
LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
BOOKINGS = "booking_id,channel,booked_on,service_date,amount,paid_on,status\n"
INVOICES = "invoice_id,client,issued_on,due_on,amount,paid_on,paid_amount,hours\n"
# boats, on the accrual basis: K-1 sails on Wednesday September 30 (deposit in September, balance
# on October 2), K-2 on Saturday October 3 (paid on September 29), K-3 was cancelled; invoice I-1
# is due on September 30 and paid late, on October 6; I-2 is paid on its due date, Sunday
# October 4. The ledger's last line is October 20.
BOATS = {
    "boats/ledger.csv": LEDGER
    + "B01,2026-09-02,4000,800.00,Charter K-1 deposit,Guest A\n"
    + "B02,2026-09-15,6000,-300.00,Moorage,Marina\n"
    + "B03,2026-09-29,4000,1200.00,Charter K-2,Guest B\n"
    + "B04,2026-09-30,6000,-200.00,Fuel dock,Marina\n"
    + "B05,2026-10-02,4000,400.00,Charter K-1 balance,Guest A\n"
    + "B06,2026-10-04,6000,-150.00,Marina,Marina\n"
    + "B07,2026-10-04,4000,300.00,Payment I-2,Club\n"
    + "B08,2026-10-06,4000,500.00,Payment I-1,Hotel\n"
    + "B09,2026-10-20,6000,-100.00,Insurance,Insurer\n",
    "boats/bookings.csv": BOOKINGS
    + "K-1,web,2026-09-01,2026-09-30,1200.00,2026-10-02,confirmed\n"
    + "K-2,web,2026-09-28,2026-10-03,1200.00,2026-09-29,confirmed\n"
    + "K-3,web,2026-09-30,2026-11-14,500.00,,cancelled\n",
    "boats/invoices.csv": INVOICES
    + "I-1,Hotel,2026-09-01,2026-09-30,500.00,2026-10-06,,\n"
    + "I-2,Club,2026-09-15,2026-10-04,300.00,2026-10-04,,\n",
}
# tours, on the cash basis, takes cards through Stripe (times in UTC): a charge on October 20, one
# at 07:30 UTC on Monday November 2, which is 23:30 on Sunday November 1 in Los Angeles (standard
# time from that morning), and a payout on November 10.
STRIPE_HEADER = (
    "id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description\n"
)
TOURS = {
    "tours/stripe/export.csv": STRIPE_HEADER
    + "txn_1,charge,ch_1,250.00,7.55,242.45,usd,2026-10-20 18:00,2026-10-22 00:00,Tour\n"
    + "txn_2,charge,ch_2,100.00,3.20,96.80,usd,2026-11-02 07:30,2026-11-04 00:00,Night tour\n"
    + "txn_3,payout,po_1,-339.25,0.00,-339.25,usd,2026-11-10 10:00,2026-11-11 00:00,PAYOUT\n",
}
ENTITIES = [
    {
        "id": "boats",
        "name": "Boats",
        "kind": "charter",
        "basis": "accrual",
        "opening_cash": "1000.00",
    },
    {
        "id": "tours",
        "name": "Tours",
        "kind": "charter",
        "opening_cash": "0.00",
        "sources": [
            {
                "format": "stripe_balance",
                "path": "stripe/*.csv",
                "payout_account": "1900",
                "fee_account": "6200",
                "revenue_account": "4000",
            }
        ],
    },
]
FIGURES = (
    "week_opening_cash",
    "week_money_in",
    "week_money_out",
    "week_closing_cash",
    "week_revenue",
    "week_cash_received",
    "week_revenue_earned",
    "bookings_made",
    "bookings_amount",
    "trips_made",
    "trips_amount",
    "invoices_overdue",
    "overdue_amount",
    "invoices_paid",
    "invoices_paid_amount",
)
RELATIONS = ("weeks", "daily_flows", "weekly_flows")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    config_path = write_portfolio(
        tmp_path_factory.mktemp("weekly"),
        {**BOATS, **TOURS},
        entities=ENTITIES,
        chart=CHART,
        first_month="2026-09",
        timezone="America/Los_Angeles",
    )
    conn = load_warehouse(config_path)
    yield conn
    conn.close()


def weeks(conn, entity_id: str) -> dict[str, dict]:
    return {
        r["iso_week"]: r
        for r in rows(
            conn,
            "select * from metrics.weekly_flows where entity_id = $e order by week_monday",
            {"e": entity_id},
        )
    }


def figures(row: dict) -> tuple:
    return tuple(row[name] for name in FIGURES)


def d(text: str) -> Decimal:
    return Decimal(text)


def test_every_check_of_the_weekly_relations_passes(warehouse):
    for name in RELATIONS:
        for check in relation(name).checks:
            assert run_check(warehouse, relation(name), check)[0] == 0, (name, check)


def test_the_weeks_run_monday_to_sunday_over_the_months_with_their_coverage(warehouse):
    boats = rows(
        warehouse,
        "select iso_week, week_monday, week_sunday, week_covered, covers_through "
        "from metrics.weeks where entity_id = 'boats' order by week_monday",
    )
    # September 1 2026 is a Tuesday: its week starts on Monday August 31; October 31 is a
    # Saturday: its week ends on Sunday November 1
    assert [r["iso_week"] for r in boats] == [f"2026-W{n}" for n in range(36, 45)]
    assert (boats[0]["week_monday"], boats[0]["week_sunday"]) == (
        date(2026, 8, 31),
        date(2026, 9, 6),
    )
    assert (boats[-1]["week_monday"], boats[-1]["week_sunday"]) == (
        date(2026, 10, 26),
        date(2026, 11, 1),
    )
    # the data runs through October 20 (the last ledger line): the week ending Sunday October 18
    # is covered, the week ending October 25 is not, as a month is held (the period close)
    assert {r["covers_through"] for r in boats} == {date(2026, 10, 20)}
    covered = {r["iso_week"]: r["week_covered"] for r in boats}
    assert covered["2026-W42"] is True
    assert covered["2026-W43"] is False
    assert covered["2026-W44"] is False


def test_the_accrual_entitys_weeks_hand_computed(warehouse):
    boats = weeks(warehouse, "boats")
    zero, none = d("0.00"), (0, d("0.00"))
    # cash start, in, out, end; revenue (earned), cash received, earned; bookings made; trips;
    # invoices fallen overdue; invoices paid
    assert figures(boats["2026-W36"]) == (
        # the K-1 deposit; I-1 earned when issued on September 1; K-1 booked on September 1
        d("1000.00"), d("800.00"), zero, d("1800.00"),
        d("500.00"), d("800.00"), d("500.00"),
        1, d("1200.00"), *none, *none, *none,
    )  # fmt: skip
    # a week without a single line, booking or invoice: a row of zeros
    assert figures(boats["2026-W37"]) == (
        d("1800.00"), zero, zero, d("1800.00"), zero, zero, zero, *none, *none, *none, *none,
    )  # fmt: skip
    assert figures(boats["2026-W38"]) == (
        d("1800.00"), zero, d("300.00"), d("1500.00"),
        d("300.00"), zero, d("300.00"), *none, *none, *none, *none,
    )  # fmt: skip
    # Monday September 28 to Sunday October 4, across September's end: K-2 paid (1,200.00) and
    # fuel (200.00) in September, K-1's balance (400.00), I-2 paid (300.00) and the marina
    # (150.00) in October; K-1 sails on the 30th, K-2 on the 3rd; K-2 booked (K-3, cancelled,
    # is no booking won); I-1 falls overdue on October 1; I-2 paid on Sunday the 4th
    assert figures(boats["2026-W40"]) == (
        d("1500.00"), d("1900.00"), d("350.00"), d("3050.00"),
        d("2400.00"), d("1900.00"), d("2400.00"),
        1, d("1200.00"), 2, d("2400.00"), 1, d("500.00"), 1, d("300.00"),
    )  # fmt: skip
    assert figures(boats["2026-W41"]) == (
        d("3050.00"), d("500.00"), zero, d("3550.00"),
        zero, d("500.00"), zero, *none, *none, *none, 1, d("500.00"),
    )  # fmt: skip
    assert figures(boats["2026-W44"]) == (
        d("3450.00"), zero, zero, d("3450.00"), zero, zero, zero, *none, *none, *none, *none,
    )  # fmt: skip
    assert {r["basis"] for r in boats.values()} == {"accrual"}


def test_the_week_spanning_a_month_end_splits_at_the_months_last_day(warehouse):
    parts = rows(
        warehouse,
        "select month, sum(day_money_in) as money_in, sum(day_money_out) as money_out, "
        "sum(day_revenue) as revenue, count(*) as days, max(day_closing_cash) filter "
        "(where day = last_day(month)) as month_end_cash "
        "from metrics.daily_flows where entity_id = 'boats' and iso_week = '2026-W40' "
        "group by month order by month",
    )
    assert [tuple(r.values()) for r in parts] == [
        (date(2026, 9, 1), d("1200.00"), d("200.00"), d("1200.00"), 3, d("2500.00")),
        (date(2026, 10, 1), d("700.00"), d("150.00"), d("1200.00"), 4, None),
    ]
    [september] = rows(
        warehouse,
        "select cash_end from metrics.cash_flows where entity_id = 'boats' "
        "and month = date '2026-09-01'",
    )
    assert september["cash_end"] == d("2500.00")


def test_a_stripe_payment_at_sunday_2330_local_is_in_the_sundays_week(warehouse):
    [line] = rows(
        warehouse,
        "select date, amount from raw.ledger where entity_id = 'tours' and txn_id = 'txn_2'",
    )
    # 07:30 UTC on Monday November 2 is 23:30 on Sunday November 1 in Los Angeles
    assert line == {"date": date(2026, 11, 1), "amount": d("100.00")}
    tours = weeks(warehouse, "tours")
    zero, none = d("0.00"), (0, d("0.00"))
    # week 44 (Oct 26 - Nov 1): the night tour's 100.00 and its 3.20 fee; week 45 has nothing
    assert figures(tours["2026-W44"]) == (
        d("242.45"), d("100.00"), d("3.20"), d("339.25"),
        d("100.00"), d("100.00"), d("100.00"), *none, *none, *none, *none,
    )  # fmt: skip
    assert figures(tours["2026-W45"]) == (
        d("339.25"), zero, zero, d("339.25"), zero, zero, zero, *none, *none, *none, *none,
    )  # fmt: skip
    # the payout to the bank on November 10 is money out of the Stripe balance
    assert tours["2026-W46"]["week_money_out"] == d("339.25")
    assert tours["2026-W46"]["week_closing_cash"] == zero
    assert {r["basis"] for r in tours.values()} == {"cash"}


def month_parts(conn) -> dict[tuple[str, date], tuple]:
    """Per entity and month, the weeks' parts in the month (their days) added up."""
    return {
        (r["entity_id"], r["month"]): (r["money_in"], r["money_out"], r["revenue"])
        for r in rows(
            conn,
            "select entity_id, month, sum(day_money_in) as money_in, "
            "sum(day_money_out) as money_out, sum(day_revenue) as revenue "
            "from metrics.daily_flows group by entity_id, month",
        )
    }


def months(conn) -> dict[tuple[str, date], tuple]:
    """Per entity and month, money in and out of the ledger and revenue on the basis."""
    return {
        (r["entity_id"], r["month"]): (r["money_in"], r["money_out"], r["revenue"])
        for r in rows(
            conn,
            "select revenue.entity_id, revenue.month, "
            "coalesce(sum(lines.money_in), 0) as money_in, "
            "coalesce(sum(lines.money_out), 0) as money_out, any_value(revenue.revenue) as revenue "
            "from metrics.revenue as revenue left join metrics.account_months as lines "
            "using (entity_id, month) group by revenue.entity_id, revenue.month",
        )
    }


def test_the_weeks_of_each_month_add_up_to_the_month_to_the_cent(warehouse):
    sep, octo, nov = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
    expected = {
        # boats, accrual: September earns I-1, I-2 and K-1, October K-2
        ("boats", sep): (d("2000.00"), d("500.00"), d("2000.00")),
        ("boats", octo): (d("1200.00"), d("250.00"), d("1200.00")),
        # tours, cash: the charges received; November's payout is money out
        ("tours", octo): (d("250.00"), d("7.55"), d("250.00")),
        ("tours", nov): (d("100.00"), d("342.45"), d("100.00")),
    }
    assert months(warehouse) == expected
    parts = month_parts(warehouse)
    assert {key: parts[key] for key in expected} == expected


def test_the_checks_catch_a_week_that_does_not_add_up(warehouse):
    warehouse.execute(
        "create temp table kept as select * from metrics.weekly_flows "
        "where entity_id = 'boats' and iso_week = '2026-W40'"
    )
    warehouse.execute(
        "update metrics.weekly_flows set week_money_in = week_money_in + 0.01 "
        "where entity_id = 'boats' and iso_week = '2026-W40'"
    )
    try:
        assert run_check(warehouse, relation("weekly_flows"), "adds_up_to_days")[0] == 1
        # a cent in from nowhere: the week no longer closes (the next still starts at its end)
        assert run_check(warehouse, relation("weekly_flows"), "closes")[0] == 1
    finally:
        warehouse.execute(
            "delete from metrics.weekly_flows where entity_id = 'boats' and iso_week = '2026-W40'"
        )
        warehouse.execute("insert into metrics.weekly_flows select * from kept")
    warehouse.execute(
        "update metrics.daily_flows set day_revenue = day_revenue - 0.01 "
        "where entity_id = 'boats' and day = date '2026-09-30'"
    )
    assert run_check(warehouse, relation("daily_flows"), "adds_up_to_months")[0] == 1


def test_the_demo_adds_up_every_week_and_month(demo_warehouse):
    _, conn = demo_warehouse
    for name in RELATIONS:
        for check in relation(name).checks:
            assert run_check(conn, relation(name), check)[0] == 0, (name, check)
    expected = months(conn)
    parts = month_parts(conn)
    assert expected
    assert {key: parts[key] for key in expected} == expected
    [counts] = rows(
        conn,
        "select (select count(*) from metrics.weeks) as weeks, "
        "(select count(*) from metrics.weekly_flows) as weekly, "
        "(select count(*) from metrics.daily_flows) as days",
    )
    assert counts["weekly"] == counts["weeks"]
    assert counts["days"] == 7 * counts["weeks"]


def test_the_weekly_checks_read_only_what_their_relation_is_built_from():
    # A check runs as soon as its relation is built (a blocking asset check): a week's check that
    # compared it with a month built later would find no month to compare with.
    built_from = {r.name: set(r.reads) for r in relations()}

    def upstream(name: str) -> set[str]:
        found = set(built_from[name])
        for table in list(found):
            if table.startswith("metrics."):
                found |= upstream(table.removeprefix("metrics."))
        return found

    for name in RELATIONS:
        allowed = upstream(name) | {f"metrics.{name}"}
        for check in relation(name).checks:
            sql_name, _ = relation(name).check_query(check)
            reads = tables_named(read_sql(sql_name), ("raw", "config", "metrics"))
            assert reads <= allowed, (name, check, reads - allowed)


def test_a_real_dagster_run_builds_the_weeks_and_passes_their_checks(tmp_path):
    config = load_config(
        write_portfolio(
            tmp_path,
            {**BOATS, **TOURS},
            entities=ENTITIES,
            chart=CHART,
            first_month="2026-09",
            timezone="America/Los_Angeles",
        )
    )
    job = build_definitions(config).resolve_job_def(INGEST_JOB)
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        built = {
            name
            for name in RELATIONS
            if instance.get_latest_materialization_event(dg.AssetKey(["metrics", name]))
        }
    assert result.success
    evaluations = {
        (e.event_specific_data.asset_key.path[-1], e.event_specific_data.check_name): (
            e.event_specific_data.passed
        )
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.event_specific_data.asset_key.path[-1] in RELATIONS
    }
    assert built == set(RELATIONS)
    assert evaluations == {
        ("weeks", "grain"): True,
        ("daily_flows", "grain"): True,
        ("daily_flows", "adds_up_to_months"): True,
        ("weekly_flows", "grain"): True,
        ("weekly_flows", "adds_up_to_days"): True,
        ("weekly_flows", "closes"): True,
    }
