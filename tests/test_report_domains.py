"""The three domain reports (rental, logistics, client portfolio) and their relations, on a small
portfolio whose figures were worked out by hand: each expected number below is written as a
literal, with the sum it comes from."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from conftest import build_report, load_warehouse, rows, write_portfolio

from exec_reporting.metrics import relation as relation_named
from exec_reporting.metrics import relations, run_check
from exec_reporting.sqlfiles import read_sql, tables_named

JAN, FEB, MAR, APR = (date(2026, m, 1) for m in range(1, 5))


def D(value: str) -> Decimal:
    return Decimal(value)


CHART = """\
code,name,type,behavior
1000,Bank,asset,
2100,Mortgage principal,liability,
3000,Owner contributions,equity,
4000,Sales,revenue,
4900,Interest income,revenue,
5000,Fuel,cogs,variable
5200,Crew & labor,cogs,variable
5600,Marina fees,cogs,variable
6100,Insurance,expense,fixed
6500,Mortgage interest,expense,fixed
6700,Repairs,expense,variable
"""

# flat (rental): units A and B let from January; unit C was last let in April 2025, so it is
# still part of the property (vacant) up to March 2026, eleven months later, and gone in April.
# B's February booking was cancelled (vacant). A's March rent arrived on April 2 (unpaid at the
# end of March) and its April rent early, on March 30. PARKING-APR names no unit.
FLAT_BOOKINGS = """\
booking_id,channel,booked_on,service_date,amount,paid_on,status
F-C-2025-04,lease,2025-03-25,2025-04-01,900.00,2025-04-01,confirmed
F-A-2026-01,lease,2025-12-25,2026-01-01,1000.00,2026-01-01,confirmed
F-B-2026-01,lease,2025-12-25,2026-01-01,800.00,2026-01-05,confirmed
F-A-2026-02,lease,2026-01-25,2026-02-01,1000.00,2026-02-01,confirmed
F-B-2026-02,lease,2026-01-25,2026-02-01,800.00,,cancelled
F-A-2026-03,lease,2026-02-25,2026-03-01,1000.00,2026-04-02,confirmed
F-B-2026-03,lease,2026-02-25,2026-03-01,850.00,2026-03-31,confirmed
F-A-2026-04,lease,2026-03-25,2026-04-01,1000.00,2026-03-30,confirmed
F-B-2026-04,lease,2026-03-25,2026-04-01,850.00,,confirmed
PARKING-APR,lease,2026-03-25,2026-04-01,50.00,2026-04-10,confirmed
"""

# Mortgage interest 300 and principal 200 a month; a 5,000 drawdown in March (money in on the
# liability: no principal paid); interest earned in March (revenue, not interest paid); 20 of
# interest back in April.
FLAT_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
FL01,2026-01-01,4000,1000.00,Rent F-A-2026-01,Tenant A
FL02,2026-01-05,4000,800.00,Rent F-B-2026-01,Tenant B
FL03,2026-01-10,6500,-300.00,Mortgage: interest,Bank
FL04,2026-01-10,2100,-200.00,Mortgage: principal,Bank
FL05,2026-01-15,6700,-100.00,Repair call,Handyman
FL06,2026-02-02,4000,1000.00,Rent F-A-2026-02,Tenant A
FL07,2026-02-10,6500,-300.00,Mortgage: interest,Bank
FL08,2026-02-10,2100,-200.00,Mortgage: principal,Bank
FL09,2026-02-20,6100,-1200.00,Landlord policy,Insurer
FL10,2026-03-30,4000,1000.00,Rent F-A-2026-04,Tenant A
FL11,2026-03-31,4000,850.00,Rent F-B-2026-03,Tenant B
FL12,2026-03-10,6500,-300.00,Mortgage: interest,Bank
FL13,2026-03-10,2100,-200.00,Mortgage: principal,Bank
FL14,2026-03-12,2100,5000.00,Mortgage top-up,Bank
FL15,2026-03-31,4900,2.00,Interest earned,Bank
FL16,2026-04-02,4000,1000.00,Rent F-A-2026-03,Tenant A
FL17,2026-04-10,4000,50.00,Parking PARKING-APR,Tenant C
FL18,2026-04-10,6500,-300.00,Mortgage: interest,Bank
FL19,2026-04-10,2100,-200.00,Mortgage: principal,Bank
FL20,2026-04-30,6500,20.00,Interest adjustment,Bank
"""

# boat (logistics), January and February 2026. "Fuel T10" names T10, not T1. T2 has no miles.
# T3 is cancelled: its fuel is overhead. T4 departs in March, after the series: its fuel, paid in
# February, is charged to it (not overhead) and it is in no month's trips yet. T10's crew is paid
# in February but belongs to T10 (January). T2 gets 30.00 of fuel back.
BOAT_BOOKINGS = """\
booking_id,channel,booked_on,service_date,amount,paid_on,status,quantity
T1,direct,2026-01-02,2026-01-10,3000.00,2026-02-15,confirmed,100
T10,direct,2026-01-05,2026-01-20,2000.00,,confirmed,50
T2,broker,2026-01-20,2026-02-05,4000.00,,confirmed,
T3,broker,2026-01-25,2026-02-10,1500.00,,cancelled,30
T4,direct,2026-02-01,2026-03-05,2500.00,,confirmed,80
"""

BOAT_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
B01,2026-01-02,3000,5000.00,Owner contribution,Owner
B02,2026-01-10,5000,-400.00,"Fuel, trip T1 (A to B)",Fuel Dock
B03,2026-01-12,5200,-900.00,"Crew, trip T1",Crew Co
B04,2026-01-20,5000,-150.00,Fuel T10,Fuel Dock
B05,2026-01-26,6100,-300.00,Insurance,Insurer
B06,2026-02-02,5200,-500.00,Crew and travel home: T10,Crew Co
B07,2026-02-05,5600,-120.00,"Marina, trip T2",Marina
B08,2026-02-06,5000,-600.00,Fuel T2,Fuel Dock
B09,2026-02-10,5000,-80.00,Fuel T3,Fuel Dock
B10,2026-02-16,4000,3000.00,Delivery T1,Owner A
B11,2026-02-27,5000,-200.00,Fuel T4 (next month),Fuel Dock
B12,2026-02-20,5000,30.00,"Fuel refund, trip T2",Fuel Dock
B13,2026-02-25,6100,-300.00,Insurance,Insurer
"""

# studio (agency), January to March 2026. S2 is paid in part (500.00 of 2,000.00) on Feb 10; S3
# records no hours; S4 is paid on its due date without a paid_amount (in full); S5 records
# unbilled hours; S1, S7 and S8 were issued before the series. Days past due at the month ends
# cross the bucket edges: S6 is exactly 30 days past due on March 31, S7 exactly 31 on January
# 31 and exactly 90 on March 31.
STUDIO_INVOICES = """\
invoice_id,client,issued_on,due_on,amount,paid_on,paid_amount,hours
S1,Acme,2025-12-01,2025-12-31,1000.00,2026-01-15,1000.00,10
S2,Acme,2026-01-05,2026-01-20,2000.00,2026-02-10,500.00,16
S3,Bolt,2026-01-10,2026-02-09,3000.00,,,
S4,Bolt,2026-02-01,2026-03-01,1500.00,2026-03-01,,10
S5,Acme,2026-03-31,2026-03-31,0.00,,,4
S6,Cove,2026-02-15,2026-03-01,600.00,,,5
S7,Dune,2025-11-01,2025-12-31,400.00,,,2
S8,Dune,2025-10-01,2025-10-31,250.00,,,1
"""

STUDIO_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
ST01,2026-01-05,3000,100.00,Owner contribution,Owner
ST02,2026-01-15,4000,1000.00,Payment S1,Acme
ST03,2026-02-10,4000,500.00,Payment S2,Acme
ST04,2026-03-02,4000,1500.00,Payment S4,Bolt
ST05,2026-03-31,6100,-50.00,Insurance,Insurer
"""

ENTITIES = [
    {
        "id": "flat",
        "name": "Flat 12",
        "kind": "rental",
        "opening_cash": "1000.00",
        "kpis": [{"metric": "cash_end", "target": "5000", "better": "higher"}],
    },
    {
        "id": "boat",
        "name": "Boat Co",
        "kind": "logistics",
        "kpis": [{"metric": "gross_margin_pct", "target": "0.5", "better": "higher"}],
    },
    {"id": "studio", "name": "Studio", "kind": "agency"},
]

FILES = {
    "flat/ledger.csv": FLAT_LEDGER,
    "flat/bookings.csv": FLAT_BOOKINGS,
    "boat/ledger.csv": BOAT_LEDGER,
    "boat/bookings.csv": BOAT_BOOKINGS,
    "studio/ledger.csv": STUDIO_LEDGER,
    "studio/invoices.csv": STUDIO_INVOICES,
}


@pytest.fixture(scope="module")
def config_path(tmp_path_factory):
    return write_portfolio(
        tmp_path_factory.mktemp("domains"), FILES, entities=ENTITIES, chart=CHART
    )


@pytest.fixture(scope="module")
def warehouse(config_path):
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


def test_fixture_loaded_without_quarantine(warehouse):
    assert rows(warehouse, "select count(*) as n from quarantine.rows") == [{"n": 0}]


# -- rental_rent_roll -----------------------------------------------------------------------------


def rent_roll(conn, month: date) -> list[tuple]:
    return [
        (r["unit"], r["lease_id"], r["rent"], r["occupied"], r["rent_paid_on"], r["rent_status"])
        for r in rows(
            conn,
            "select * from metrics.rental_rent_roll where entity_id = 'flat' and month = $m "
            "order by unit nulls last, lease_id",
            {"m": month},
        )
    ]


def test_rent_roll_units_and_vacancies(warehouse):
    # January: C (last let April 2025, 9 months back) is vacant; A and B paid in the month
    assert rent_roll(warehouse, JAN) == [
        ("F-A", "F-A-2026-01", D("1000.00"), True, date(2026, 1, 1), "paid"),
        ("F-B", "F-B-2026-01", D("800.00"), True, date(2026, 1, 5), "paid"),
        ("F-C", None, None, False, None, "vacant"),
    ]
    # February: B's booking was cancelled, so B is vacant
    assert [(u, status) for u, *_, status in rent_roll(warehouse, FEB)] == [
        ("F-A", "paid"),
        ("F-B", "vacant"),
        ("F-C", "vacant"),
    ]


def test_rent_roll_payment_dates_against_the_month_end(warehouse):
    # March: A paid on April 2, after the month's end: unpaid, no date. B paid on March 31, the
    # last day: paid. C's last lease month (April 2025) is exactly 11 months back: still a unit.
    assert rent_roll(warehouse, MAR) == [
        ("F-A", "F-A-2026-03", D("1000.00"), True, None, "unpaid"),
        ("F-B", "F-B-2026-03", D("850.00"), True, date(2026, 3, 31), "paid"),
        ("F-C", None, None, False, None, "vacant"),
    ]
    # April: C is 12 months back and no longer a unit; A paid in advance on March 30; B unpaid;
    # PARKING-APR names no unit and is listed without one.
    assert rent_roll(warehouse, APR) == [
        ("F-A", "F-A-2026-04", D("1000.00"), True, date(2026, 3, 30), "paid"),
        ("F-B", "F-B-2026-04", D("850.00"), True, None, "unpaid"),
        (None, "PARKING-APR", D("50.00"), True, date(2026, 4, 10), "paid"),
    ]


def test_rent_roll_only_for_rental_entities(warehouse):
    assert rows(warehouse, "select distinct entity_id from metrics.rental_rent_roll") == [
        {"entity_id": "flat"}
    ]


# -- rental_monthly -------------------------------------------------------------------------------


def test_rental_occupancy(warehouse):
    monthly = by_month(warehouse, "rental_monthly", "flat")
    # units available / let: Jan 3 / 2; Feb 3 / 1; Mar 3 / 2; Apr 2 / 2 (the parking is no unit)
    assert [(r["units_available"], r["units_occupied"], r["leases"]) for r in monthly.values()] == [
        (3, 2, 2),
        (3, 1, 1),
        (3, 2, 2),
        (2, 2, 3),
    ]
    assert [r["occupancy_rate"] for r in monthly.values()] == pytest.approx(
        [2 / 3, 1 / 3, 2 / 3, 1.0]
    )
    # 12 months: (2) / 3; (2 + 1) / (3 + 3); (2 + 1 + 2) / 9; (5 + 2) / (9 + 2)
    assert [r["occupancy_rate_12m"] for r in monthly.values()] == pytest.approx(
        [2 / 3, 0.5, 5 / 9, 7 / 11]
    )


def test_rental_rent_due_and_collected(warehouse):
    monthly = by_month(warehouse, "rental_monthly", "flat")
    # due: Jan 1000 + 800; Feb 1000; Mar 1000 + 850; Apr 1000 + 850 + 50
    assert [r["rent_scheduled"] for r in monthly.values()] == [
        D("1800.00"),
        D("1000.00"),
        D("1850.00"),
        D("1900.00"),
    ]
    # collected by the month end: Jan all; Feb 1000; Mar only B's 850; Apr A (early) + parking
    assert [r["rent_collected"] for r in monthly.values()] == [
        D("1800.00"),
        D("1000.00"),
        D("850.00"),
        D("1050.00"),
    ]
    # April's rent of A arrived on March 30
    assert [r["rent_in_advance"] for r in monthly.values()] == [
        D("0.00"),
        D("0.00"),
        D("1000.00"),
        D("0.00"),
    ]


def test_rental_noi_and_debt_service(warehouse):
    monthly = by_month(warehouse, "rental_monthly", "flat")
    # revenue: Jan 1000 + 800; Feb 1000; Mar 1000 + 850 + 2.00 interest earned; Apr 1000 + 50
    assert [r["revenue"] for r in monthly.values()] == [
        D("1800.00"),
        D("1000.00"),
        D("1852.00"),
        D("1050.00"),
    ]
    # interest: 300 a month; April 300 - 20 back. Interest earned (revenue) is not interest paid.
    assert [r["interest_paid"] for r in monthly.values()] == [
        D("300.00"),
        D("300.00"),
        D("300.00"),
        D("280.00"),
    ]
    # principal: 200 a month; March's 5,000 drawdown (money in) repays nothing
    assert [r["principal_paid"] for r in monthly.values()] == [D("200.00")] * 4
    assert [r["debt_service"] for r in monthly.values()] == [
        D("500.00"),
        D("500.00"),
        D("500.00"),
        D("480.00"),
    ]
    # operating costs = opex - interest: Jan 300 + 100 - 300; Feb 300 + 1200 - 300; Mar 0; Apr 0
    assert [r["operating_costs"] for r in monthly.values()] == [
        D("100.00"),
        D("1200.00"),
        D("0.00"),
        D("0.00"),
    ]
    # NOI = revenue - operating costs: 1800 - 100; 1000 - 1200; 1852 - 0; 1050 - 0
    assert [r["noi"] for r in monthly.values()] == [
        D("1700.00"),
        D("-200.00"),
        D("1852.00"),
        D("1050.00"),
    ]
    # coverage: 1700 / 500; -200 / 500; 1852 / 500; 1050 / 480
    assert [r["dscr"] for r in monthly.values()] == pytest.approx([3.4, -0.4, 3.704, 2.1875])


def test_rental_trailing_12_months(warehouse):
    monthly = by_month(warehouse, "rental_monthly", "flat")
    # NOI: 1700; 1700 - 200; 1500 + 1852; 3352 + 1050. Debt service: 500, 1000, 1500, 1980.
    assert [r["noi_12m"] for r in monthly.values()] == [
        D("1700.00"),
        D("1500.00"),
        D("3352.00"),
        D("4402.00"),
    ]
    assert [r["debt_service_12m"] for r in monthly.values()] == [
        D("500.00"),
        D("1000.00"),
        D("1500.00"),
        D("1980.00"),
    ]
    # 1700 / 500; 1500 / 1000; 3352 / 1500; 4402 / 1980
    assert [r["dscr_12m"] for r in monthly.values()] == pytest.approx(
        [3.4, 1.5, 2.2346666666666666, 2.2232323232323234]
    )


# -- logistics ------------------------------------------------------------------------------------


def test_trip_costs_are_traced_by_booking_id(warehouse):
    assert [
        (r["txn_id"], r["trip_id"], r["month"], r["cost_type"], r["line_cost"])
        for r in rows(
            warehouse,
            "select * from metrics.logistics_trip_costs where entity_id = 'boat' order by txn_id",
        )
    ] == [
        ("B02", "T1", JAN, "fuel", D("400.00")),
        ("B03", "T1", JAN, "crew", D("900.00")),
        # "Fuel T10" names T10, not T1
        ("B04", "T10", JAN, "fuel", D("150.00")),
        # paid in February for a January trip
        ("B06", "T10", FEB, "crew", D("500.00")),
        ("B07", "T2", FEB, "other", D("120.00")),
        ("B08", "T2", FEB, "fuel", D("600.00")),
        # T4 departs after the series: its fuel is still its own
        ("B11", "T4", FEB, "fuel", D("200.00")),
        # money back is a negative cost
        ("B12", "T2", FEB, "fuel", D("-30.00")),
    ]
    # not charged to a trip: B05 and B13 (insurance), B09 (T3 was cancelled), B10 (revenue)


def test_trips(warehouse):
    trips = {
        r["trip_id"]: r
        for r in rows(warehouse, "select * from metrics.logistics_trips where entity_id = 'boat'")
    }
    # T3 is cancelled and T4 departs in March, after the series
    assert sorted(trips) == ["T1", "T10", "T2"]
    t1, t10, t2 = trips["T1"], trips["T10"], trips["T2"]
    assert (t1["month"], t1["departs_on"], t1["nautical_miles"], t1["trip_revenue"]) == (
        JAN,
        date(2026, 1, 10),
        D("100.00"),
        D("3000.00"),
    )
    # T1: fuel 400, crew 900; cost 1300; margin 3000 - 1300 = 1700 = 56.67 %;
    # per nm 3000 / 100, 1300 / 100, 1700 / 100
    assert [t1[k] for k in ("fuel_cost", "crew_cost", "other_trip_cost", "trip_cost")] == [
        D("400.00"),
        D("900.00"),
        D("0.00"),
        D("1300.00"),
    ]
    assert t1["trip_margin"] == D("1700.00")
    assert t1["trip_margin_pct"] == pytest.approx(1700 / 3000)
    assert [t1[k] for k in ("revenue_per_nm", "cost_per_nm", "margin_per_nm")] == [
        D("30.00"),
        D("13.00"),
        D("17.00"),
    ]
    assert t1["cost_lines"] == 2
    # T10: fuel 150 + crew 500 (paid in February) = 650; margin 2000 - 650 = 1350 over 50 nm
    assert (t10["trip_cost"], t10["trip_margin"], t10["margin_per_nm"]) == (
        D("650.00"),
        D("1350.00"),
        D("27.00"),
    )
    # T2: no miles, so nothing per nm; fuel 600 - 30 = 570, marina 120; margin 4000 - 690 = 3310
    assert (t2["nautical_miles"], t2["revenue_per_nm"], t2["margin_per_nm"]) == (None, None, None)
    assert (t2["fuel_cost"], t2["crew_cost"], t2["other_trip_cost"], t2["trip_cost"]) == (
        D("570.00"),
        D("0.00"),
        D("120.00"),
        D("690.00"),
    )
    assert t2["trip_margin"] == D("3310.00")
    assert t2["cost_lines"] == 3


def test_logistics_monthly(warehouse):
    monthly = by_month(warehouse, "logistics_monthly", "boat")
    jan, feb = monthly[JAN], monthly[FEB]
    # January: T1 and T10. 150 nm; revenue 5000; fuel 400 + 150; crew 900 + 500; cost 1950;
    # margin 3050 = 61 %; per trip 3050 / 2; per nm 5000 / 150 = 33.33, 1950 / 150, 3050 / 150
    assert [jan[k] for k in ("trips", "nautical_miles", "trip_revenue", "fuel_cost")] == [
        2,
        D("150.00"),
        D("5000.00"),
        D("550.00"),
    ]
    assert [jan[k] for k in ("crew_cost", "trip_cost", "trip_margin", "margin_per_trip")] == [
        D("1400.00"),
        D("1950.00"),
        D("3050.00"),
        D("1525.00"),
    ]
    assert jan["trip_margin_pct"] == pytest.approx(0.61)
    assert [jan[k] for k in ("revenue_per_nm", "cost_per_nm", "margin_per_nm")] == [
        D("33.33"),
        D("13.00"),
        D("20.33"),
    ]
    # overhead: January's costs 400 + 900 + 150 + 300 less the trip lines 400 + 900 + 150 = 300
    # (insurance); result 3050 - 300
    assert (jan["overhead"], jan["result_after_overhead"]) == (D("300.00"), D("2750.00"))
    # February: T2 only, without miles: no figure per nm
    assert [feb[k] for k in ("trips", "nautical_miles", "trip_revenue", "trip_margin")] == [
        1,
        D("0.00"),
        D("4000.00"),
        D("3310.00"),
    ]
    assert (feb["revenue_per_nm"], feb["margin_per_nm"], feb["margin_per_trip"]) == (
        None,
        None,
        D("3310.00"),
    )
    # overhead: February's costs 500 + 120 + 600 + 80 + 200 - 30 + 300 = 1770 less the trip
    # lines paid in it 500 + 120 + 600 + 200 - 30 = 1390: 380 (insurance 300, T3's fuel 80)
    assert (feb["overhead"], feb["result_after_overhead"]) == (D("380.00"), D("2930.00"))


# -- receivables ----------------------------------------------------------------------------------


def aging(conn, month: date) -> list[tuple]:
    return [
        (r["invoice_id"], r["open_balance"], r["days_past_due"], r["aging_bucket"])
        for r in rows(
            conn,
            "select * from metrics.receivables_invoices where entity_id = 'studio' "
            "and month = $m order by invoice_id",
            {"m": month},
        )
    ]


def test_receivables_aging(warehouse):
    # January 31: S1 was paid on January 15; S7 is exactly 31 days past its December 31 due date
    assert aging(warehouse, JAN) == [
        ("S2", D("2000.00"), 11, "1-30"),
        ("S3", D("3000.00"), 0, "current"),
        ("S7", D("400.00"), 31, "31-60"),
        ("S8", D("250.00"), 92, "over 90"),
    ]
    # February 28: S2 part paid (2000 - 500); S4 and S6 are due on March 1
    assert aging(warehouse, FEB) == [
        ("S2", D("1500.00"), 39, "31-60"),
        ("S3", D("3000.00"), 19, "1-30"),
        ("S4", D("1500.00"), 0, "current"),
        ("S6", D("600.00"), 0, "current"),
        ("S7", D("400.00"), 59, "31-60"),
        ("S8", D("250.00"), 120, "over 90"),
    ]
    # March 31: S4 paid in full on its due date (no paid_amount); S5 (0.00) owes nothing;
    # S6 exactly 30 days past due, S7 exactly 90
    assert aging(warehouse, MAR) == [
        ("S2", D("1500.00"), 70, "61-90"),
        ("S3", D("3000.00"), 50, "31-60"),
        ("S6", D("600.00"), 30, "1-30"),
        ("S7", D("400.00"), 90, "61-90"),
        ("S8", D("250.00"), 151, "over 90"),
    ]


def test_receivables_monthly_buckets(warehouse):
    monthly = by_month(warehouse, "receivables_monthly", "studio")
    keys = ("receivables", "ar_current", "ar_1_30", "ar_31_60", "ar_61_90", "ar_over_90")
    assert [tuple(r[k] for k in keys) for r in monthly.values()] == [
        # 2000 + 3000 + 400 + 250
        (D("5650.00"), D("3000.00"), D("2000.00"), D("400.00"), D("0.00"), D("250.00")),
        # 1500 + 3000 + 1500 + 600 + 400 + 250; current 1500 + 600; 31-60 1500 + 400
        (D("7250.00"), D("2100.00"), D("3000.00"), D("1900.00"), D("0.00"), D("250.00")),
        # 1500 + 3000 + 600 + 400 + 250; 61-90 1500 + 400
        (D("5750.00"), D("0.00"), D("600.00"), D("3000.00"), D("1900.00"), D("250.00")),
    ]
    # overdue = receivables - current: 5650 - 3000; 7250 - 2100; 5750
    assert [
        (r["overdue_balance"], r["overdue_invoices"], r["oldest_days_past_due"])
        for r in monthly.values()
    ] == [(D("2650.00"), 3, 92), (D("5150.00"), 4, 120), (D("5750.00"), 5, 151)]


def test_days_sales_outstanding(warehouse):
    monthly = by_month(warehouse, "receivables_monthly", "studio")
    # billed in the month: Jan S2 + S3; Feb S4 + S6; Mar S5 (0.00)
    assert [r["billed"] for r in monthly.values()] == [D("5000.00"), D("2100.00"), D("0.00")]
    # last 3 months by issue date: Nov-Jan S7 400 + S1 1000 + 5000; Dec-Feb 1000 + 5000 + 2100;
    # Jan-Mar 5000 + 2100 + 0
    assert [r["billed_3m"] for r in monthly.values()] == [
        D("6400.00"),
        D("8100.00"),
        D("7100.00"),
    ]
    # DSO: 5650 / 6400 x 92 days (Nov 1 to Jan 31); 7250 / 8100 x 90; 5750 / 7100 x 90
    assert [r["dso"] for r in monthly.values()] == pytest.approx(
        [81.21875, 80.55555555555556, 72.88732394366197]
    )


def test_hours_and_effective_rate(warehouse):
    monthly = by_month(warehouse, "receivables_monthly", "studio")
    # billed hours: Jan S2 16 (S3 has none); Feb S4 10 + S6 5; Mar none. Unbilled: Mar S5 4.
    assert [(r["billed_hours"], r["unbilled_hours"]) for r in monthly.values()] == [
        (D("16.00"), D("0.00")),
        (D("15.00"), D("0.00")),
        (D("0.00"), D("4.00")),
    ]
    # 12 months, invoices with hours only (S3 left out):
    # Jan: (250 + 400 + 1000 + 2000) / (1 + 2 + 10 + 16) = 3650 / 29 = 125.862...
    # Feb: (3650 + 1500 + 600) / (29 + 10 + 5) = 5750 / 44 = 130.6818...
    # Mar: (5750 + 0) / (44 + 4 unbilled) = 119.7916...
    assert [r["effective_rate"] for r in monthly.values()] == [
        D("125.86"),
        D("130.68"),
        D("119.79"),
    ]


def test_client_accounts(warehouse):
    clients = {
        r["client"]: r
        for r in rows(
            warehouse,
            "select * from metrics.client_accounts where entity_id = 'studio' and month = $m",
            {"m": MAR},
        )
    }
    keys = (
        "billed_12m",
        "billed_hours_12m",
        "unbilled_hours_12m",
        "effective_rate",
        "open_balance",
        "overdue_balance",
        "oldest_days_past_due",
    )
    assert {name: tuple(row[k] for k in keys) for name, row in clients.items()} == {
        # S1 1000 + S2 2000 + S5 0; hours 10 + 16, unbilled 4; 3000 / 30; owes S2's 1500
        "Acme": (D("3000.00"), D("26.00"), D("4.00"), D("100.00"), D("1500.00"), D("1500.00"), 70),
        # S3 3000 (no hours) + S4 1500 (10 h): the rate is 1500 / 10; owes S3
        "Bolt": (D("4500.00"), D("10.00"), D("0.00"), D("150.00"), D("3000.00"), D("3000.00"), 50),
        # S6 600 / 5 h
        "Cove": (D("600.00"), D("5.00"), D("0.00"), D("120.00"), D("600.00"), D("600.00"), 30),
        # S7 400 + S8 250 over 2 + 1 h = 216.666...; owes both
        "Dune": (D("650.00"), D("3.00"), D("0.00"), D("216.67"), D("650.00"), D("650.00"), 151),
    }


def test_client_accounts_keep_a_client_without_billing_while_it_owes(warehouse):
    # In January the 12 months run from February 2025: Dune's S7 (November 2025) and S8 (October
    # 2025) are in them; a client owing money is listed either way
    jan = {
        r["client"]: (r["billed_12m"], r["open_balance"])
        for r in rows(
            warehouse,
            "select * from metrics.client_accounts where entity_id = 'studio' and month = $m",
            {"m": JAN},
        )
    }
    assert jan == {
        "Acme": (D("3000.00"), D("2000.00")),
        "Bolt": (D("3000.00"), D("3000.00")),
        "Dune": (D("650.00"), D("650.00")),
    }


# -- invoice findings -----------------------------------------------------------------------------

# finding_id = 'F-' || upper(left(md5('invoice|studio|overdue|<invoice_id>'), 8))
S2_ID, S3_ID, S6_ID, S7_ID, S8_ID = (
    "F-3252BF6A",
    "F-E61FBE3E",
    "F-A1AC40BD",
    "F-452F4716",
    "F-4BA43BAB",
)


def test_invoice_findings(warehouse):
    found = rows(
        warehouse,
        "select * from metrics.invoice_findings where month = $m order by finding_id",
        {"m": MAR},
    )
    assert [
        (r["finding_id"], r["source"], r["rule"], r["severity"], r["amount"], r["open_until"])
        for r in found
    ] == [
        (S2_ID, "invoice", "overdue", "high", D("1500.00"), None),  # 70 days
        (S7_ID, "invoice", "overdue", "high", D("400.00"), None),  # 90 days
        (S8_ID, "invoice", "overdue", "critical", D("250.00"), None),  # 151 days
        (S6_ID, "invoice", "overdue", "low", D("600.00"), None),  # 30 days
        (S3_ID, "invoice", "overdue", "medium", D("3000.00"), None),  # 50 days
    ]
    s2 = found[0]
    assert s2["title"] == "Overdue invoice S2: Acme"
    assert (
        s2["detail"] == "1,500.00 of 2,000.00 open, due 2026-01-20, 70 days past due at month end"
    )


def test_invoice_findings_status(warehouse):
    status = {
        (r["month"], r["finding_id"]): (r["status"], r["severity"])
        for r in rows(warehouse, "select * from metrics.finding_status where source = 'invoice'")
    }
    # January: S2 (11 days), S7 (31), S8 (92) are new; S3 is not due yet
    assert status[JAN, S2_ID] == ("new", "low")
    assert status[JAN, S7_ID] == ("new", "medium")
    assert status[JAN, S8_ID] == ("new", "critical")
    assert (JAN, S3_ID) not in status
    # February: S3 (19 days) is new, S2 has grown to medium; March: S6 is new
    assert status[FEB, S3_ID] == ("new", "low")
    assert status[FEB, S2_ID] == ("still open", "medium")
    assert status[MAR, S6_ID] == ("new", "low")
    assert status[MAR, S8_ID] == ("still open", "critical")
    # the union carries them, once per month
    assert rows(
        warehouse,
        "select month, count(*) as n from metrics.findings where source = 'invoice' "
        "group by month order by month",
    ) == [{"month": JAN, "n": 3}, {"month": FEB, "n": 4}, {"month": MAR, "n": 5}]


def test_paid_invoice_is_resolved(portfolio):
    conn = load_warehouse(
        portfolio(
            {
                "solo/ledger.csv": "txn_id,date,account_code,amount,description,counterparty\n"
                "L1,2026-01-02,4000,10.00,Sale,A\nL2,2026-03-31,4000,10.00,Sale,A\n",
                "solo/invoices.csv": "invoice_id,client,issued_on,due_on,amount,paid_on,"
                "paid_amount,hours\nI1,Acme,2026-01-01,2026-01-31,100.00,2026-03-05,100.00,1\n",
            },
            entities=[{"id": "solo", "name": "Solo", "kind": "agency"}],
        )
    )
    # I1 is due on January 31 (0 days: current), 28 days past due on February 28, paid in March
    assert rows(
        conn,
        "select month, status, severity from metrics.finding_status where source = 'invoice' "
        "order by month",
    ) == [
        {"month": FEB, "status": "new", "severity": "low"},
        {"month": MAR, "status": "resolved", "severity": "low"},
    ]


# -- checks ---------------------------------------------------------------------------------------

MY_CHECKS = {
    "rental_rent_roll": ["grain", "status_matches_lease"],
    "rental_monthly": ["grain", "reconciles_with_rent_roll"],
    "logistics_trip_costs": ["grain"],
    "logistics_trips": ["grain", "costs_add_up"],
    "logistics_monthly": ["grain", "reconciles"],
    "receivables_invoices": ["grain", "bucket_matches_days"],
    "receivables_monthly": ["grain", "buckets_add_up"],
    "client_accounts": ["grain", "reconciles_with_aging"],
    "invoice_findings": ["one_per_overdue_invoice"],
}


def test_every_domain_relation_has_its_checks_and_they_pass(warehouse):
    assert {name: relation_named(name).checks for name in MY_CHECKS} == MY_CHECKS
    failures = {
        (name, check): run_check(warehouse, relation_named(name), check)
        for name, checks in MY_CHECKS.items()
        for check in checks
    }
    assert {key: found for key, found in failures.items() if found[0]} == {}


def test_checks_read_only_what_their_relation_is_built_from():
    # A check runs as soon as its relation is built (a blocking asset check), so it may read the
    # relation and what the relation is built from, nothing built later.
    built_from = {r.name: set(r.reads) for r in relations()}

    def upstream(name: str) -> set[str]:
        found = set(built_from[name])
        for table in list(found):
            if table.startswith("metrics."):
                found |= upstream(table.removeprefix("metrics."))
        return found

    for name, checks in MY_CHECKS.items():
        allowed = upstream(name) | {f"metrics.{name}"}
        for check in checks:
            sql_name, _ = relation_named(name).check_query(check)
            reads = tables_named(read_sql(sql_name), ("raw", "config", "metrics"))
            assert reads <= allowed, (name, check, reads - allowed)


BREAKAGES = [
    (
        "rental_rent_roll",
        "grain",
        "insert into metrics.rental_rent_roll select * from metrics.rental_rent_roll "
        "where month = date '2026-01-01' and unit = 'F-A'",
    ),
    (
        "rental_rent_roll",
        "status_matches_lease",
        "update metrics.rental_rent_roll set rent_status = 'paid' "
        "where month = date '2026-03-01' and unit = 'F-A'",
    ),
    (
        "rental_monthly",
        "grain",
        "delete from metrics.rental_monthly where month = date '2026-02-01'",
    ),
    (
        "rental_monthly",
        "reconciles_with_rent_roll",
        "update metrics.rental_monthly set noi = noi + 1 where month = date '2026-02-01'",
    ),
    (
        "logistics_trip_costs",
        "grain",
        "insert into metrics.logistics_trip_costs by name select * replace ('T2' as trip_id) "
        "from metrics.logistics_trip_costs where txn_id = 'B04'",
    ),
    (
        "logistics_trips",
        "grain",
        "insert into metrics.logistics_trips select * from metrics.logistics_trips "
        "where trip_id = 'T1'",
    ),
    (
        "logistics_trips",
        "costs_add_up",
        "update metrics.logistics_trips set fuel_cost = fuel_cost + 1 where trip_id = 'T1'",
    ),
    (
        "logistics_monthly",
        "grain",
        "delete from metrics.logistics_monthly where month = date '2026-01-01'",
    ),
    (
        "logistics_monthly",
        "reconciles",
        "update metrics.logistics_monthly set overhead = overhead - 1 "
        "where month = date '2026-02-01'",
    ),
    (
        "receivables_invoices",
        "grain",
        "insert into metrics.receivables_invoices select * from metrics.receivables_invoices "
        "where invoice_id = 'S3' and month = date '2026-02-01'",
    ),
    (
        "receivables_invoices",
        "bucket_matches_days",
        "update metrics.receivables_invoices set aging_bucket = '1-30' "
        "where invoice_id = 'S7' and month = date '2026-01-01'",
    ),
    (
        "receivables_monthly",
        "grain",
        "insert into metrics.receivables_monthly select * from metrics.receivables_monthly "
        "where month = date '2026-01-01'",
    ),
    (
        "receivables_monthly",
        "buckets_add_up",
        "update metrics.receivables_monthly set ar_61_90 = ar_61_90 + 1 "
        "where month = date '2026-03-01'",
    ),
    (
        "client_accounts",
        "grain",
        "insert into metrics.client_accounts select * from metrics.client_accounts "
        "where client = 'Acme' and month = date '2026-03-01'",
    ),
    (
        "client_accounts",
        "reconciles_with_aging",
        "update metrics.client_accounts set open_balance = open_balance + 1 "
        "where client = 'Acme' and month = date '2026-03-01'",
    ),
    (
        "invoice_findings",
        "one_per_overdue_invoice",
        "delete from metrics.invoice_findings where month = date '2026-03-01' "
        "and finding_id = 'F-A1AC40BD'",
    ),
]


@pytest.mark.parametrize(("relation", "check", "breakage"), BREAKAGES)
def test_check_catches_a_broken_table(warehouse, relation, check, breakage):
    # each breakage is undone: the module's warehouse stays as built
    warehouse.execute("begin transaction")
    try:
        warehouse.execute(breakage)
        count, sample = run_check(warehouse, relation_named(relation), check)
    finally:
        warehouse.execute("rollback")
    assert count == 1
    assert len(sample) == 1


# -- the builders ---------------------------------------------------------------------------------


def texts(rendered) -> dict[str, str]:
    return {"html": rendered.html, "txt": rendered.text, "md": rendered.markdown}


def assert_clean(rendered) -> None:
    for form, text in texts(rendered).items():
        assert not re.search(r"\bNone\b", text), form
        assert not re.search(r"\bnan\b", text, re.IGNORECASE), form


def section(model, key: str):
    return next(s for s in model.sections if s.key == key)


def test_rental_report(warehouse, config_path):
    model, rendered = build_report(warehouse, config_path, "rental", "2026-03", "flat")
    # the entity named; its verdict: cash and its change on February (no cash target), rent
    # collected short of what was due (decision 44)
    assert model.subject == (
        "Executive Report: Rental: Flat 12 - Mar 2026 - cash $7.9K (+$6.4K), rent $850, $1.0K "
        "under target"
    )
    assert [(h.label, h.value, h.previous, h.target, h.good) for h in model.headlines] == [
        # 2 of 3 units let; February 1 of 3
        ("Occupancy", D("0.667"), D("0.333"), None, None),
        # 850 of the 1,850 due
        ("Rent collected", D("850.00"), D("1000.00"), D("1850.00"), False),
        # the basis is named: Flat 12 is on the default, cash
        ("Net operating income (cash basis)", D("1852.00"), D("-200.00"), None, None),
        # 3352 / 1500 = 2.2347; February 1500 / 1000
        ("Debt service coverage, 12 months", D("2.235"), D("1.500"), D("1.250"), True),
        # 1000 opening + 1200 (Jan) - 700 (Feb) + 6352 (Mar)
        ("Cash at month end", D("7852.00"), D("1500.00"), D("5000.00"), True),
    ]
    assert model.verdicts == [
        "Flat 12: 2 of 3 units let (66.7%), $850 of $1.9K rent collected; net operating "
        "income (cash basis) $1.9K this month and $3.4K over 12 months, covering 223.5% of debt "
        "service (lenders look for 125.0%)."
    ]
    assert [s.key for s in model.sections] == [
        "rent_roll",
        "revenue_bridge",
        "occupancy",
        "noi",
        "findings",
    ]
    roll = section(model, "rent_roll")
    assert [(r["unit"], r["lease_id"], r["rent_status"]) for r in roll.tables[0].rows] == [
        ("F-A", "F-A-2026-03", "unpaid"),
        ("F-C", "vacant", "vacant"),
        ("F-B", "F-B-2026-03", "paid"),
    ]
    assert roll.tables[0].total["rent"] == D("1850.00")
    assert roll.tables[0].attachment == "rent_roll.csv"
    assert roll.lines[1] == (
        "Rent received this month for a later month: $1,000.00. It is in this month's revenue "
        "and net operating income (cash basis)."
    )
    noi = section(model, "noi")
    assert [r["month"] for r in noi.tables[0].rows] == [MAR, FEB, JAN]
    assert noi.tables[0].total["noi"] == D("3352.00")
    assert noi.charts and section(model, "occupancy").charts
    # other areas' findings on the property (its expenses, its books) are listed too, and only
    # this entity's
    findings = section(model, "findings")
    assert all(r["entity"] == "Flat 12" for t in findings.tables for r in t.rows)
    assert_clean(rendered)


def test_rental_report_lists_a_lease_without_unit(warehouse, config_path):
    model, rendered = build_report(warehouse, config_path, "rental", "2026-04", "flat")
    roll = section(model, "rent_roll")
    assert [r["unit"] for r in roll.tables[0].rows] == ["F-B", "F-A", "(no unit)"]
    assert any("1 lease month(s) name no unit" in line for line in roll.lines)
    assert_clean(rendered)


def test_logistics_report(warehouse, config_path):
    model, rendered = build_report(warehouse, config_path, "logistics", "2026-01", "boat")
    assert [(h.label, h.value, h.previous, h.target, h.good) for h in model.headlines] == [
        # Boat Co is on the cash basis: nothing arrived in January (T1 was paid in February)
        ("Revenue (cash basis)", D("0.00"), None, None, None),
        ("Trip margin", D("3050.00"), None, None, None),
        # the gross margin target of reporting.yaml is the gross margin's (the CEO report's),
        # not the trips' margin: one target, one verdict
        ("Trip margin %", D("0.610"), None, None, None),
        ("Margin per nautical mile", D("20.33"), None, None, None),
        ("Result after overhead", D("2750.00"), None, None, None),
    ]
    assert model.verdicts == [
        "Boat Co: 2 trips over 150.0 nm earned $3.1K trip margin (61.0% of $5.0K, "
        "$20 per nm); after $300 overhead, $2.8K is left. Revenue (cash basis): $0."
    ]
    trips = section(model, "trips")
    # worst margin first: T10 1350, T1 1700
    assert [r["trip_id"] for r in trips.tables[0].rows] == ["T10", "T1"]
    assert trips.tables[0].total["trip_margin"] == D("3050.00")
    assert trips.charts
    distance = section(model, "distance")
    # T10 (50 nm) is under 100 nm; T1 (100 nm) is 100-299
    assert [(r["distance"], r["trips"]) for r in distance.tables[0].rows] == [
        ("Under 100 nm", 1),
        ("100-299 nm", 1),
    ]
    assert_clean(rendered)


def test_logistics_report_month_without_miles(warehouse, config_path):
    model, rendered = build_report(warehouse, config_path, "logistics", "2026-02", "boat")
    assert model.verdicts == [
        "Boat Co: 1 trip earned $3.3K trip margin (82.8% of $4.0K); after $380 "
        "overhead, $2.9K is left. Revenue (cash basis): $3.0K."
    ]
    per_nm = next(h for h in model.headlines if h.label == "Margin per nautical mile")
    assert (per_nm.value, per_nm.note) == (None, "no miles")
    trips = section(model, "trips")
    assert any("No crew cost names T2 yet" in line for line in trips.lines)
    assert_clean(rendered)


def test_agency_report(warehouse, config_path):
    model, rendered = build_report(warehouse, config_path, "agency", "2026-03", "studio")
    assert [(h.label, h.value, h.previous) for h in model.headlines] == [
        ("Receivables", D("5750.00"), D("7250.00")),
        ("Overdue", D("5750.00"), D("5150.00")),
        ("Days sales outstanding", D("72.9"), D("80.6")),
        ("Unbilled hours", D("4.0"), D("0.0")),
        ("Effective hourly rate, 12 months", D("119.79"), D("130.68")),
    ]
    assert model.verdicts == [
        "Studio: clients owe $5.8K, $5.8K of it overdue on 5 invoices; Dune owes "
        "$650, the oldest of it 151 days past due; 72.9 days sales outstanding; 4.0 hours "
        "worked but not billed this month."
    ]
    assert [s.key for s in model.sections] == [
        "aging",
        "overdue",
        "dso",
        "revenue_bridge",
        "clients",
        "other_findings",
    ]
    by_client, invoices = section(model, "aging").tables
    # oldest debt first
    assert [r["client"] for r in by_client.rows] == ["Dune", "Acme", "Bolt", "Cove"]
    assert by_client.total["open_balance"] == D("5750.00")
    assert by_client.attachment == "aging.csv"
    assert [r["invoice_id"] for r in invoices.rows] == ["S8", "S7", "S2", "S3", "S6"]
    overdue = section(model, "overdue").tables[0]
    # new before still open, then by severity
    assert [(r["finding_id"], r["status"]) for r in overdue.rows] == [
        (S6_ID, "new"),
        (S8_ID, "still open"),
        (S2_ID, "still open"),
        (S7_ID, "still open"),
        (S3_ID, "still open"),
    ]
    clients, unbilled = section(model, "clients").tables
    assert clients.total["billed_12m"] == D("8750.00")  # 3000 + 4500 + 600 + 650
    assert clients.total["effective_rate"] == D("119.79")
    assert [(r["client"], r["unbilled_hours"]) for r in unbilled.rows] == [("Acme", D("4.0"))]
    assert_clean(rendered)


def test_json_matches_the_metric_store(warehouse, config_path):
    checked = 0
    for kind, entity, month, relation in (
        ("rental", "flat", "2026-03", "rental_monthly"),
        ("logistics", "boat", "2026-01", "logistics_monthly"),
        ("agency", "studio", "2026-03", "receivables_monthly"),
    ):
        _, rendered = build_report(warehouse, config_path, kind, month, entity)
        report_json = json.loads(rendered.json)
        store = rows(
            warehouse,
            f"select * from metrics.{relation} where entity_id = $e and month = $m",
            {"e": entity, "m": date.fromisoformat(month + "-01")},
        )[0]
        headlines = {h["label"]: h["value"] for h in report_json["headlines"]}
        expected = {
            "rental": {
                "Net operating income (cash basis)": "noi",
                "Rent collected": "rent_collected",
                "Occupancy": "occupancy_rate",
                "Debt service coverage, 12 months": "dscr_12m",
            },
            "logistics": {
                "Trip margin": "trip_margin",
                "Trip margin %": "trip_margin_pct",
                "Margin per nautical mile": "margin_per_nm",
                "Result after overhead": "result_after_overhead",
            },
            "agency": {
                "Receivables": "receivables",
                "Overdue": "overdue_balance",
                "Days sales outstanding": "dso",
                "Unbilled hours": "unbilled_hours",
                "Effective hourly rate, 12 months": "effective_rate",
            },
        }[kind]
        for label, column in expected.items():
            # the JSON holds the figure rounded as shown: 3 decimals for a ratio, 1 for a number
            places = {"percent": 3, "number": 1, "integer": 0}.get(
                next(h["kind"] for h in report_json["headlines"] if h["label"] == label), 2
            )
            assert headlines[label] == pytest.approx(round(float(store[column]), places)), label
            checked += 1
        # every row of the month's detail table is in the store
        if kind == "rental":
            table = report_json["sections"][0]["tables"][0]
            store_roll = {
                r["lease_id"]: float(r["rent"])
                for r in rows(
                    warehouse,
                    "select * from metrics.rental_rent_roll where entity_id = 'flat' "
                    "and month = $m and lease_id is not null",
                    {"m": MAR},
                )
            }
            assert {
                r["lease_id"]: r["rent"] for r in table["rows"] if r["lease_id"] != "vacant"
            } == store_roll
        if kind == "logistics":
            table = report_json["sections"][0]["tables"][0]
            store_trips = {
                r["trip_id"]: float(r["trip_margin"])
                for r in rows(
                    warehouse,
                    "select * from metrics.logistics_trips where entity_id = 'boat' and month = $m",
                    {"m": JAN},
                )
            }
            assert {r["trip_id"]: r["trip_margin"] for r in table["rows"]} == store_trips
        if kind == "agency":
            table = report_json["sections"][0]["tables"][1]
            store_open = {
                r["invoice_id"]: float(r["open_balance"])
                for r in rows(
                    warehouse,
                    "select * from metrics.receivables_invoices where entity_id = 'studio' "
                    "and month = $m",
                    {"m": MAR},
                )
            }
            assert {r["invoice_id"]: r["open_balance"] for r in table["rows"]} == store_open
    assert checked == 13


# -- a portfolio with one entity, one month and only a ledger -------------------------------------

LEDGER_ONLY = (
    "txn_id,date,account_code,amount,description,counterparty\n"
    "L1,2026-03-02,4000,500.00,Sale,Customer\n"
    "L2,2026-03-03,6100,-120.00,Insurance,Insurer\n"
)


@pytest.fixture(scope="module")
def ledger_only(tmp_path_factory):
    """Factory: kind -> (warehouse, config path) of a portfolio whose one entity, "solo", is of
    that kind and has one month of ledger and nothing else. Built once per kind."""
    built = {}

    def make(kind: str):
        if kind not in built:
            config = write_portfolio(
                tmp_path_factory.mktemp(f"ledger_only_{kind}"),
                {"solo/ledger.csv": LEDGER_ONLY},
                entities=[{"id": "solo", "name": "Solo", "kind": kind}],
                chart=CHART,
            )
            built[kind] = (load_warehouse(config), config)
        return built[kind]

    yield make
    for conn, _ in built.values():
        conn.close()


def test_rental_without_bookings_or_debt(ledger_only):
    conn, _ = ledger_only("rental")
    row = by_month(conn, "rental_monthly", "solo")[MAR]
    # no unit seen: occupancy unknown, not zero; no debt service: no coverage
    assert (row["units_available"], row["occupancy_rate"], row["occupancy_rate_12m"]) == (
        0,
        None,
        None,
    )
    # NOI 500 - 120; nothing paid on loans
    assert (row["noi"], row["debt_service"], row["dscr"], row["dscr_12m"]) == (
        D("380.00"),
        D("0.00"),
        None,
        None,
    )


@pytest.mark.parametrize(
    ("kind", "sections"),
    [
        ("rental", {"rent_roll": "bookings.csv", "occupancy": "bookings.csv"}),
        ("logistics", {"trips": "bookings.csv", "distance": "bookings.csv"}),
        (
            "agency",
            {"aging": "invoices.csv", "dso": "invoices.csv", "clients": "invoices.csv"},
        ),
    ],
)
def test_ledger_only_portfolio(ledger_only, kind, sections):
    conn, config = ledger_only(kind)
    model, rendered = build_report(conn, config, kind, "2026-03", "solo")
    for key, file_name in sections.items():
        empty = section(model, key).empty
        assert empty and f"data/solo/{file_name}" in empty, key
    assert model.verdicts
    assert_clean(rendered)


@pytest.mark.parametrize(
    ("kind", "other"), [("rental", "agency"), ("logistics", "rental"), ("agency", "logistics")]
)
def test_no_entity_of_the_kind(ledger_only, kind, other):
    # the portfolio's one entity is of another kind: the report says so in one line
    conn, config = ledger_only(other)
    model, rendered = build_report(conn, config, kind, "2026-03")
    assert [(s.key, s.empty) for s in model.sections] == [
        ("entity", f"No entity of kind {kind} in reporting.yaml: add one to get this report.")
    ]
    assert_clean(rendered)


# -- the demo portfolio ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_warehouse):
    config_path, conn = demo_warehouse
    return conn, config_path


@pytest.mark.parametrize(
    ("kind", "entity"),
    [
        ("rental", "rental_3028_51st_st"),
        ("logistics", "expert_yacht_delivery"),
        ("agency", "dangerous_centaur"),
    ],
)
def test_demo_reports_have_every_section(demo, kind, entity):
    conn, config = demo
    model, rendered = build_report(conn, config, kind, "2026-10", entity)
    assert 3 <= len(model.headlines) <= 5
    assert len(model.verdicts) == 1
    for part in model.sections:
        assert part.empty is None, (part.key, part.empty)
        assert part.tables, part.key
    assert model.charts
    assert any(table.attachment for table in model.tables)
    assert_clean(rendered)


@pytest.mark.parametrize(
    ("kind", "entity"),
    [
        ("rental", "rental_3028_51st_st"),
        ("logistics", "expert_yacht_delivery"),
        ("agency", "dangerous_centaur"),
    ],
)
def test_demo_revenue_bridges_close_to_the_metric_store(demo, kind, entity):
    conn, config = demo
    _, rendered = build_report(conn, config, kind, "2026-10", entity)
    store = rows(
        conn,
        "select * from metrics.revenue where entity_id = $e and month = date '2026-10-01'",
        {"e": entity},
    )[0]
    tables = bridge_tables(rendered)
    # the demo's businesses are on the accrual basis: from the operational figure, and from cash
    assert len(tables) == 2
    for table in tables:
        *lines, (last_line, revenue) = table
        assert last_line == "Revenue (accrual basis)"
        assert revenue == float(store["revenue"])
        assert round(sum(Decimal(str(amount)) for _, amount in lines), 2) == store["revenue"]
    assert tables[1][0][1] == float(store["cash_received"])


def test_demo_october_bridges(demo):
    """The issue's three stories, in October's figures."""
    conn, config = demo
    yacht = bridge_tables(
        build_report(conn, config, "logistics", "2026-10", "expert_yacht_delivery")[1]
    )
    assert yacht == [
        [
            ("Trip revenue, trips departing in October 2026", 13710.00),
            ("Revenue no booking or invoice accounts for (interest earned, other sales)", 5.66),
            ("Revenue (accrual basis)", 13715.66),
        ],
        [
            ("Cash received from customers in October 2026 (the bank's revenue lines)", 8072.66),
            (
                "Trip EYD-0064, delivered on Oct 25, 2026, not yet paid: receivable increase",
                5643.00,
            ),
            ("Revenue (accrual basis)", 13715.66),
        ],
    ]
    agency = bridge_tables(build_report(conn, config, "agency", "2026-10", "dangerous_centaur")[1])
    assert [table[0] for table in agency] == [
        ("Billed in October 2026: invoices issued", 37810.00),
        ("Cash received from customers in October 2026 (the bank's revenue lines)", 31206.13),
    ]
    assert [table[-1][1] for table in agency] == [37816.13, 37816.13]
    model, rendered = build_report(conn, config, "rental", "2026-10", "rental_3028_51st_st")
    rental = bridge_tables(rendered)
    assert rental[1] == [
        ("Cash received from customers in October 2026 (the bank's revenue lines)", 7926.34),
        ("Rent R3028-A-2026-11, due in November 2026, paid in October 2026: deferred", -2790.00),
        ("Revenue (accrual basis)", 5136.34),
    ]
    # November's rent paid on October 28 is no longer in October's net operating income: 5,136.34
    # revenue - 301.02 operating costs (it was 7,625.32 with the cash received)
    noi = next(h for h in model.headlines if h.label.startswith("Net operating income"))
    assert (noi.label, noi.value) == ("Net operating income (accrual basis)", D("4835.32"))


# -- revenue bridges on the accrual basis, by hand ------------------------------------------------

# dock (logistics): D1 delivered March 10 and paid March 12; D2 delivered March 25, unpaid.
# loft (rental): March's rent paid March 1; April's paid early, on March 28.
# desk (agency): I0 (February) paid March 5; I1 issued and paid in March; I2 issued, unpaid.
# Each earns 3.00 of interest in March, which no booking or invoice accounts for.
ACCRUAL_ENTITIES = [
    {"id": "dock", "name": "Dock", "kind": "logistics", "basis": "accrual"},
    {"id": "loft", "name": "Loft", "kind": "rental", "basis": "accrual"},
    {"id": "desk", "name": "Desk", "kind": "agency", "basis": "accrual"},
]
LEDGER_HEAD = "txn_id,date,account_code,amount,description,counterparty\n"
ACCRUAL_FILES = {
    "dock/bookings.csv": "booking_id,channel,booked_on,service_date,amount,paid_on,status,quantity\n"
    "D1,direct,2026-03-01,2026-03-10,1000.00,2026-03-12,confirmed,40\n"
    "D2,direct,2026-03-01,2026-03-25,600.00,,confirmed,20\n",
    "dock/ledger.csv": LEDGER_HEAD + "K0,2026-02-02,6100,-50.00,Insurance,Insurer\n"
    "K1,2026-03-12,4000,1000.00,Delivery D1,Owner A\n"
    "K2,2026-03-31,4900,3.00,Interest earned,Bank\n",
    "loft/bookings.csv": "booking_id,channel,booked_on,service_date,amount,paid_on,status\n"
    "L-A-2026-03,lease,2026-02-20,2026-03-01,900.00,2026-03-01,confirmed\n"
    "L-A-2026-04,lease,2026-03-20,2026-04-01,900.00,2026-03-28,confirmed\n",
    "loft/ledger.csv": LEDGER_HEAD + "M0,2026-02-02,6100,-50.00,Insurance,Insurer\n"
    "M1,2026-03-01,4000,900.00,Rent L-A-2026-03,Tenant A\n"
    "M2,2026-03-28,4000,900.00,Rent L-A-2026-04,Tenant A\n"
    "M3,2026-03-05,6500,-100.00,Mortgage: interest,Bank\n"
    "M4,2026-03-05,2100,-200.00,Mortgage: principal,Bank\n"
    "M5,2026-03-10,6700,-50.00,Repair call,Handyman\n"
    "M6,2026-03-31,4900,3.00,Interest earned,Bank\n",
    "desk/invoices.csv": "invoice_id,client,issued_on,due_on,amount,paid_on,paid_amount,hours\n"
    "I0,Acme,2026-02-10,2026-03-10,300.00,2026-03-05,,3\n"
    "I1,Acme,2026-03-02,2026-04-01,500.00,2026-03-20,,5\n"
    "I2,Bolt,2026-03-15,2026-04-14,700.00,,,7\n",
    "desk/ledger.csv": LEDGER_HEAD + "N0,2026-02-02,6100,-10.00,Insurance,Insurer\n"
    "N1,2026-03-05,4000,300.00,Payment I0,Acme\n"
    "N2,2026-03-20,4000,500.00,Payment I1,Acme\n"
    "N3,2026-03-31,4900,3.00,Interest earned,Bank\n",
}


@pytest.fixture(scope="module")
def accrual(tmp_path_factory):
    config = write_portfolio(
        tmp_path_factory.mktemp("accrual"), ACCRUAL_FILES, entities=ACCRUAL_ENTITIES, chart=CHART
    )
    conn = load_warehouse(config)
    yield conn, config
    conn.close()


def bridge_tables(rendered) -> list[list[tuple[str, float]]]:
    """The revenue_bridge section of a report's JSON: each table as (line, amount) rows."""
    found = json.loads(rendered.json)["sections"]
    bridge = next(s for s in found if s["key"] == "revenue_bridge")
    assert all([c["key"] for c in t["columns"]] == ["line", "amount"] for t in bridge["tables"])
    return [[(r["line"], r["amount"]) for r in t["rows"]] for t in bridge["tables"]]


def test_accrual_bridges_by_hand(accrual):
    conn, config = accrual
    assert rows(conn, "select count(*) as n from quarantine.rows") == [{"n": 0}]
    # dock: trips 1000 + 600 departing in March; revenue 1603.00 = 1600 + 3.00 interest; cash
    # 1000 + 3.00, and D2's 600 earned and owed
    _, rendered = build_report(conn, config, "logistics", "2026-03", "dock")
    assert bridge_tables(rendered) == [
        [
            ("Trip revenue, trips departing in March 2026", 1600.00),
            ("Revenue no booking or invoice accounts for (interest earned, other sales)", 3.00),
            ("Revenue (accrual basis)", 1603.00),
        ],
        [
            ("Cash received from customers in March 2026 (the bank's revenue lines)", 1003.00),
            ("Trip D2, delivered on Mar 25, 2026, not yet paid: receivable increase", 600.00),
            ("Revenue (accrual basis)", 1603.00),
        ],
    ]
    # loft: rent due 900; cash 900 + 900 (April's, early) + 3.00
    model, rendered = build_report(conn, config, "rental", "2026-03", "loft")
    assert bridge_tables(rendered) == [
        [
            ("Rent due for March 2026", 900.00),
            ("Revenue no booking or invoice accounts for (interest earned, other sales)", 3.00),
            ("Revenue (accrual basis)", 903.00),
        ],
        [
            ("Cash received from customers in March 2026 (the bank's revenue lines)", 1803.00),
            ("Rent L-A-2026-04, due in April 2026, paid in March 2026: deferred", -900.00),
            ("Revenue (accrual basis)", 903.00),
        ],
    ]
    # NOI on the accrual basis: 903 - 50 repairs (interest is debt service); debt service
    # 100 + 200; coverage 853 / 300. On the cash basis it would have been 1753.
    headlines = {h.label: h.value for h in model.headlines}
    assert headlines["Net operating income (accrual basis)"] == D("853.00")
    noi = section(model, "noi").tables[0].rows[0]
    assert (noi["revenue"], noi["noi"], noi["debt_service"]) == (
        D("903.00"),
        D("853.00"),
        D("300.00"),
    )
    assert noi["dscr"] == D("2.843")  # 853 / 300, as shown
    # desk: billed 500 + 700 in March; cash 300 (I0, billed in February) + 500 (I1) + 3.00
    _, rendered = build_report(conn, config, "agency", "2026-03", "desk")
    assert bridge_tables(rendered) == [
        [
            ("Billed in March 2026: invoices issued", 1200.00),
            ("Revenue no booking or invoice accounts for (interest earned, other sales)", 3.00),
            ("Revenue (accrual basis)", 1203.00),
        ],
        [
            ("Cash received from customers in March 2026 (the bank's revenue lines)", 803.00),
            ("Invoice I2, issued on Mar 15, 2026, not yet paid: receivable increase", 700.00),
            (
                "Invoice I0, issued on Feb 10, 2026, paid in March 2026: receivable collected",
                -300.00,
            ),
            ("Revenue (accrual basis)", 1203.00),
        ],
    ]


def test_cash_basis_bridge_walks_from_earned_to_received(warehouse, config_path):
    # Boat Co is on the cash basis: one table, from the trips to the cash the bank received.
    # January: T1 (3,000, paid February 15) and T10 (2,000, never paid) are owed at the end.
    _, rendered = build_report(warehouse, config_path, "logistics", "2026-01", "boat")
    assert bridge_tables(rendered) == [
        [
            ("Trip revenue, trips departing in January 2026", 5000.00),
            (
                "Trips T1, T10, delivered in January 2026, not yet paid: receivable increase",
                -5000.00,
            ),
            ("Revenue (cash basis)", 0.00),
        ]
    ]
    # February: T2 (4,000) delivered and owed; T1's 3,000 arrives
    _, rendered = build_report(warehouse, config_path, "logistics", "2026-02", "boat")
    assert bridge_tables(rendered) == [
        [
            ("Trip revenue, trips departing in February 2026", 4000.00),
            ("Trip T2, delivered on Feb 5, 2026, not yet paid: receivable increase", -4000.00),
            (
                "Trip T1, delivered on Jan 10, 2026, paid in February 2026: receivable collected",
                3000.00,
            ),
            ("Revenue (cash basis)", 3000.00),
        ]
    ]
