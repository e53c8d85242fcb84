"""The Accounting report ("are the books right?"): every relation of revenue recognition, the
chart of accounts and the expense audit on a small portfolio worked out by hand (each expected
figure is a literal, with the sum it comes from), the builder on that portfolio, the report's JSON
against the metric store, a portfolio with nothing but a ledger, and the demo portfolio."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import build_report, load_warehouse, rows, write_portfolio

from exec_reporting.metrics import relation as relation_named
from exec_reporting.metrics import run_check

REPO = Path(__file__).resolve().parent.parent
NOT_A_VALUE = re.compile(r"\b(None|nan|NaN)\b")
JAN, FEB, MAR, APR, MAY, JUN = (date(2026, m, 1) for m in range(1, 7))


def D(value: str) -> Decimal:
    return Decimal(value)


# The chart of tests/conftest.py with a liability for customer deposits, and 5500 Crew: a cogs
# account without its behavior, which the ingest quarantines, so its lines look unmapped.
CHART = """\
code,name,type,behavior
1000,Bank,asset,
2000,Customer deposits,liability,
3000,Owner contributions,equity,
4000,Sales,revenue,
5000,Fuel,cogs,variable
5500,Crew,cogs,
6000,Rent,expense,fixed
6100,Software,expense,fixed
6200,Commissions,expense,variable
"""

# alpha, January to June 2026. Only T36 (Saturday) is a weekday-rule case; T06 (Saturday) and
# T10 (Sunday) are money in, never reviewed. T07's description is empty.
LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
T01,2026-01-02,3000,5000.00,Owner contribution,Owner
T02,2026-01-05,4000,500.00,Charter A1 deposit,Client A
T03,2026-01-06,5000,-100.01,Fuel,Acme Fuel
T04,2026-01-07,6000,-1000.00,Rent,Landlord
T05,2026-01-08,6100,-50.00,Hosting,Cloudco
T06,2026-01-10,4000,300.00,Card payment,Client B
T07,2026-01-20,4000,200.00,,Client C
T08,2026-01-20,4000,200.00,Card payment,Client D
T09,2026-01-21,6200,-10.00,Commission,Broker
T10,2026-02-01,2000,400.00,Deposit A5,Client E
T11,2026-02-02,6000,-1000.00,Rent,Landlord
T12,2026-02-03,4000,250.00,Charter A6,Client F
T13,2026-02-04,5000,-125.00,Fuel,Acme Fuel
T14,2026-02-05,6100,-50.00,Hosting,Cloudco
T15,2026-02-09,9999,-75.00,Unknown,Mystery
T16,2026-02-10,4000,150.00,Charter A7,Client G
T17,2026-02-11,6200,-10.00,Commission,Broker
T18,2026-03-02,4000,80.00,Charter A8,Client H
T19,2026-03-03,4000,-80.00,Refund,Client H
T20,2026-03-04,6000,-1100.01,Rent,Landlord
T21,2026-03-05,4000,-150.00,Refund A7,Client G
T22,2026-03-06,5000,-110.03,Fuel,Acme Fuel
T23,2026-03-09,6100,-55.00,Hosting,Cloudco
T24,2026-03-10,6200,-100.00,Commission,Broker
T25,2026-04-01,6000,-1000.00,Rent,Landlord
T26,2026-04-02,5000,-400.00,Fuel,Acme Fuel
T27,2026-04-06,6100,-50.00,Hosting,Cloudco
T28,2026-04-07,6100,120.00,Credit note,Cloudco
T29,2026-04-08,9999,25.00,Unknown refund,Mystery
T30,2026-04-10,4000,60.00,Charter A9.,Client I
T31,2026-04-13,6200,-10.00,Commission,Broker
T32,2026-05-01,6000,-1000.00,Rent,Landlord
T33,2026-05-04,5000,-352.55,Fuel,Acme Fuel
T34,2026-05-05,6100,-60.00,Hosting,Cloudco
T35,2026-05-06,5500,-40.00,Crew,Deckhand
T36,2026-05-09,6200,-10.00,Commission,Broker
T37,2026-06-01,6000,-1000.00,Rent,Landlord
T38,2026-06-02,5000,-375.00,Fuel,Acme Fuel
T39,2026-06-30,4000,120.00,Charter A11,Client J
"""

# A1 named in its payment line; A2, A3 and A4 paid by lines naming no booking (A3 and A4: two
# equal payments on one day); A5 paid into the deposits liability (rightly deferred); A6
# cancelled and never refunded; A7 refunded the month after; A8 refunded by a line naming no
# booking; A9 marked refunded with no refund line; A10 unpaid; A11 paid on the last day of June.
BOOKINGS = """\
booking_id,channel,booked_on,service_date,amount,paid_on,status
A1,web,2026-01-02,2026-02-10,500.00,2026-01-05,confirmed
A2,web,2026-01-03,2026-01-31,300.00,2026-01-10,confirmed
A3,web,2026-01-04,2026-03-15,200.00,2026-01-20,confirmed
A4,web,2026-01-05,2026-02-05,200.00,2026-01-20,confirmed
A5,phone,2026-01-25,2026-04-01,400.00,2026-02-01,confirmed
A6,web,2026-02-01,2026-03-20,250.00,2026-02-03,cancelled
A7,web,2026-02-05,2026-02-25,150.00,2026-02-10,refunded
A8,web,2026-03-01,2026-05-01,80.00,2026-03-02,refunded
A9,web,2026-04-01,2026-06-01,60.00,2026-04-10,refunded
A10,web,2026-01-15,2026-02-01,999.00,,confirmed
A11,web,2026-06-20,2026-07-02,120.00,2026-06-30,confirmed
"""

# beta: February and March, no bookings.csv; March's only line is a refund (revenue nets < 0).
BETA = """\
txn_id,date,account_code,amount,description,counterparty
B1,2026-02-02,4000,100.00,Sale,Client Z
B2,2026-02-03,6100,-20.00,Hosting,Cloudco
B3,2026-03-02,4000,-40.00,Refund,Client Z
"""

ENTITIES = [
    {"id": "alpha", "name": "Alpha Charters", "kind": "charter"},
    {"id": "beta", "name": "Beta Hauling", "kind": "hauling"},
]
FILES = {"alpha/ledger.csv": LEDGER, "alpha/bookings.csv": BOOKINGS, "beta/ledger.csv": BETA}


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    path = write_portfolio(tmp_path_factory.mktemp("accounting"), FILES, ENTITIES, chart=CHART)
    conn = load_warehouse(path)
    yield path, conn
    conn.close()


def select(conn, sql: str, params=None) -> list[dict]:
    return rows(conn, sql, params)


def test_only_the_crew_account_is_quarantined(fixture):
    _, conn = fixture
    assert select(conn, "select table_name, line, column_name from quarantine.rows") == [
        {"table_name": "chart_of_accounts", "line": 7, "column_name": "behavior"}
    ]


# -- revenue recognition -------------------------------------------------------------------------


def test_payments_and_refunds_are_found_by_booking_id_then_by_date_and_amount(fixture):
    _, conn = fixture
    found = select(
        conn,
        "select booking_id, booking_status, payment_txn_id, payment_date, payment_match, "
        "refund_txn_id, refund_date, refunded_amount, refund_match "
        "from metrics.revenue_recognition_bookings order by booking_id",
    )
    assert found == [
        # "Charter A1 deposit" names A1
        {
            "booking_id": "A1",
            "booking_status": "confirmed",
            "payment_txn_id": "T02",
            "payment_date": date(2026, 1, 5),
            "payment_match": "booking id",
            "refund_txn_id": None,
            "refund_date": None,
            "refunded_amount": None,
            "refund_match": None,
        },
        {
            "booking_id": "A11",
            "booking_status": "confirmed",
            "payment_txn_id": "T39",
            "payment_date": date(2026, 6, 30),
            "payment_match": "booking id",
            "refund_txn_id": None,
            "refund_date": None,
            "refunded_amount": None,
            "refund_match": None,
        },
        # "Card payment" names no booking: 300.00 on A2's paid_on date
        {
            "booking_id": "A2",
            "booking_status": "confirmed",
            "payment_txn_id": "T06",
            "payment_date": date(2026, 1, 10),
            "payment_match": "date and amount",
            "refund_txn_id": None,
            "refund_date": None,
            "refunded_amount": None,
            "refund_match": None,
        },
        # two 200.00 lines on 2026-01-20 (T07 without a description), two 200.00 bookings paid
        # that day: first with first, in file order
        {
            "booking_id": "A3",
            "booking_status": "confirmed",
            "payment_txn_id": "T07",
            "payment_date": date(2026, 1, 20),
            "payment_match": "date and amount",
            "refund_txn_id": None,
            "refund_date": None,
            "refunded_amount": None,
            "refund_match": None,
        },
        {
            "booking_id": "A4",
            "booking_status": "confirmed",
            "payment_txn_id": "T08",
            "payment_date": date(2026, 1, 20),
            "payment_match": "date and amount",
            "refund_txn_id": None,
            "refund_date": None,
            "refunded_amount": None,
            "refund_match": None,
        },
        # paid into 2000 Customer deposits, a liability: no revenue line pays it
        {
            "booking_id": "A5",
            "booking_status": "confirmed",
            "payment_txn_id": None,
            "payment_date": None,
            "payment_match": None,
            "refund_txn_id": None,
            "refund_date": None,
            "refunded_amount": None,
            "refund_match": None,
        },
        {
            "booking_id": "A6",
            "booking_status": "cancelled",
            "payment_txn_id": "T12",
            "payment_date": date(2026, 2, 3),
            "payment_match": "booking id",
            "refund_txn_id": None,
            "refund_date": None,
            "refunded_amount": None,
            "refund_match": None,
        },
        # "Refund A7" names it
        {
            "booking_id": "A7",
            "booking_status": "refunded",
            "payment_txn_id": "T16",
            "payment_date": date(2026, 2, 10),
            "payment_match": "booking id",
            "refund_txn_id": "T21",
            "refund_date": date(2026, 3, 5),
            "refunded_amount": D("150.00"),
            "refund_match": "booking id",
        },
        # "Refund" names no booking: -80.00, on or after A8's payment, the only 80.00 booking
        {
            "booking_id": "A8",
            "booking_status": "refunded",
            "payment_txn_id": "T18",
            "payment_date": date(2026, 3, 2),
            "payment_match": "booking id",
            "refund_txn_id": "T19",
            "refund_date": date(2026, 3, 3),
            "refunded_amount": D("80.00"),
            "refund_match": "amount",
        },
        # "Charter A9." names A9 once the full stop is trimmed; no refund line at all
        {
            "booking_id": "A9",
            "booking_status": "refunded",
            "payment_txn_id": "T30",
            "payment_date": date(2026, 4, 10),
            "payment_match": "booking id",
            "refund_txn_id": None,
            "refund_date": None,
            "refunded_amount": None,
            "refund_match": None,
        },
    ]
    # A10 was never paid: not listed


def test_prepayments_in_revenue_and_cancellations_not_refunded_by_month(fixture):
    _, conn = fixture
    monthly = select(
        conn,
        "select monthly.*, deferred.deferred_balance "
        "from metrics.revenue_recognition_monthly as monthly "
        "inner join metrics.deferred_revenue as deferred using (entity_id, month) "
        "order by entity_id, month",
    )
    table = [
        (
            r["entity_id"],
            r["month"],
            r["prepaid_in_revenue"],
            r["prepaid_bookings"],
            r["unreturned_cash"],
            r["unreturned_bookings"],
            r["deferred_balance"],
        )
        for r in monthly
    ]
    assert table == [
        # Jan 31: A1 500 + A3 200 + A4 200 served later; A2 is served on the 31st itself
        ("alpha", JAN, D("900.00"), 3, D("0.00"), 0, D("900.00")),
        # Feb 28: A3 200 (A1 and A4 served in February); A5 400 is deferred in the liability, so
        # deferred revenue 600 = 200 + 400; not refunded: A6 250 + A7 150 (refunded 03-05)
        ("alpha", FEB, D("200.00"), 1, D("400.00"), 2, D("600.00")),
        # Mar 31: A3 served 03-15; A7 and A8 refunded in March; A6 still kept
        ("alpha", MAR, D("0.00"), 0, D("250.00"), 1, D("400.00")),
        # Apr 30: A5 served 04-01; A9 60 paid 04-10, never refunded: 250 + 60
        ("alpha", APR, D("0.00"), 0, D("310.00"), 2, D("0.00")),
        ("alpha", MAY, D("0.00"), 0, D("310.00"), 2, D("0.00")),
        # Jun 30: A11 paid (and in revenue) on the month's last day, served 07-02
        ("alpha", JUN, D("120.00"), 1, D("310.00"), 2, D("120.00")),
        # no bookings.csv: every month at 0
        ("beta", FEB, D("0.00"), 0, D("0.00"), 0, D("0.00")),
        ("beta", MAR, D("0.00"), 0, D("0.00"), 0, D("0.00")),
    ]


def test_revenue_recognition_findings(fixture):
    _, conn = fixture
    found = select(
        conn,
        "select month, finding_id, rule, severity, title, amount, open_until "
        "from metrics.revenue_recognition_findings order by month, rule, finding_id",
    )
    # ids: 'F-' || upper(left(md5('revenue_recognition|alpha|<rule>|<key>'), 8)), the key being
    # the entity for prepaid_in_revenue and the booking id otherwise
    prepaid, a6, a7, a9 = "F-EFE315C5", "F-41666A1A", "F-EE98CBAD", "F-9A85F46E"
    title = "Prepayments booked as revenue"
    assert [
        (r["month"], r["finding_id"], r["rule"], r["severity"], r["amount"]) for r in found
    ] == [
        (JAN, prepaid, "prepaid_in_revenue", "medium", D("900.00")),
        (FEB, a6, "cancelled_not_refunded", "medium", D("250.00")),
        (FEB, prepaid, "prepaid_in_revenue", "medium", D("200.00")),
        (FEB, a7, "refund_not_in_ledger", "high", D("150.00")),
        (MAR, a6, "cancelled_not_refunded", "medium", D("250.00")),
        (APR, a6, "cancelled_not_refunded", "medium", D("250.00")),
        (APR, a9, "refund_not_in_ledger", "high", D("60.00")),
        (MAY, a6, "cancelled_not_refunded", "medium", D("250.00")),
        (MAY, a9, "refund_not_in_ledger", "high", D("60.00")),
        (JUN, a6, "cancelled_not_refunded", "medium", D("250.00")),
        (JUN, prepaid, "prepaid_in_revenue", "medium", D("120.00")),
        (JUN, a9, "refund_not_in_ledger", "high", D("60.00")),
    ]
    assert {r["open_until"] for r in found} == {None}
    assert {r["title"] for r in found} == {
        title,
        "Cancelled booking, money kept: A6",
        "Refund missing from the ledger: A7",
        "Refund missing from the ledger: A9",
    }
    detail = select(
        conn,
        "select detail from metrics.revenue_recognition_findings "
        "where month = $m and finding_id = $id",
        {"m": FEB, "id": a7},
    )
    assert detail == [
        {
            "detail": "A7 (service 2026-02-25) was paid 150.00 on 2026-02-10 and is marked "
            "refunded, but no refund line is in the ledger by 2026-02-28: record the refund or "
            "correct the status"
        }
    ]
    # A7 is resolved in March (its refund line is dated 2026-03-05); the prepayments finding in
    # March too, and it opens again in June as new
    status = select(
        conn,
        "select month, finding_id, status from metrics.finding_status "
        "where source = 'revenue_recognition' and finding_id in ($a, $b) order by month",
        {"a": a7, "b": prepaid},
    )
    assert [(r["month"], r["finding_id"], r["status"]) for r in status] == [
        (JAN, prepaid, "new"),
        (FEB, a7, "new"),
        (FEB, prepaid, "still open"),
        (MAR, a7, "resolved"),
        (MAR, prepaid, "resolved"),
        (JUN, prepaid, "new"),
    ]


# -- chart of accounts ---------------------------------------------------------------------------


def test_unmapped_codes_with_their_lines_to_date_and_quarantine(fixture):
    _, conn = fixture
    found = select(
        conn, "select * from metrics.chart_unmapped_accounts order by account_code, month"
    )
    table = [
        (
            r["month"],
            r["account_code"],
            r["month_lines"],
            r["month_net"],
            r["lines_to_date"],
            r["net_to_date"],
            r["first_used_on"],
            r["in_quarantine"],
        )
        for r in found
    ]
    crew, unknown = date(2026, 5, 6), date(2026, 2, 9)
    assert table == [
        # 5500's chart row is quarantined: from May on (T35 -40.00)
        (MAY, "5500", 1, D("-40.00"), 1, D("-40.00"), crew, True),
        (JUN, "5500", 0, D("0.00"), 1, D("-40.00"), crew, True),
        # 9999: T15 -75.00 in February, T29 +25.00 in April: -75 + 25 = -50 to date
        (FEB, "9999", 1, D("-75.00"), 1, D("-75.00"), unknown, False),
        (MAR, "9999", 0, D("0.00"), 1, D("-75.00"), unknown, False),
        (APR, "9999", 1, D("25.00"), 2, D("-50.00"), unknown, False),
        (MAY, "9999", 0, D("0.00"), 2, D("-50.00"), unknown, False),
        (JUN, "9999", 0, D("0.00"), 2, D("-50.00"), unknown, False),
    ]
    assert {r["entity_id"] for r in found} == {"alpha"}


def test_accounts_used_against_their_type(fixture):
    _, conn = fixture
    assert select(conn, "select * from metrics.chart_misused_accounts order by entity_id") == [
        # March on 4000: T18 +80, T19 -80, T21 -150: in 80, out 80 + 150 = 230, net -150
        {
            "entity_id": "alpha",
            "month": MAR,
            "account_code": "4000",
            "account_name": "Sales",
            "account_type": "revenue",
            "month_lines": 3,
            "money_in": D("80.00"),
            "money_out": D("230.00"),
            "month_net": D("-150.00"),
        },
        # April on 6100: T27 -50, T28 +120 credit note: net +70
        {
            "entity_id": "alpha",
            "month": APR,
            "account_code": "6100",
            "account_name": "Software",
            "account_type": "expense",
            "month_lines": 2,
            "money_in": D("120.00"),
            "money_out": D("50.00"),
            "month_net": D("70.00"),
        },
        # beta's March: one refund of 40 and no sale
        {
            "entity_id": "beta",
            "month": MAR,
            "account_code": "4000",
            "account_name": "Sales",
            "account_type": "revenue",
            "month_lines": 1,
            "money_in": D("0.00"),
            "money_out": D("40.00"),
            "month_net": D("-40.00"),
        },
    ]
    # Not listed: revenue nets positive in every other month, and every other cost account nets
    # money out; 9999 and 5500 have no type.


def test_chart_findings(fixture):
    _, conn = fixture
    found = select(
        conn,
        "select month, entity_id, finding_id, rule, severity, amount, open_until "
        "from metrics.chart_findings order by entity_id, finding_id, month",
    )
    # ids: md5('chart|<entity>|<rule>|<key>'), the key being the code, or code|YYYY-MM
    unknown, crew = "F-B782845A", "F-894CCB31"
    sales, software, beta_sales = "F-B90C1426", "F-B02F4945", "F-139F6B33"
    review_sales, review_software = date(2026, 5, 1), date(2026, 6, 1)  # month + 3 - 1
    assert [tuple(r.values()) for r in found] == [
        (MAY, "alpha", crew, "unmapped_code", "high", D("40.00"), None),
        (JUN, "alpha", crew, "unmapped_code", "high", D("40.00"), None),
        # open for review_months = 3 months: April, May, June
        (APR, "alpha", software, "money_in_on_cost", "medium", D("70.00"), review_software),
        (MAY, "alpha", software, "money_in_on_cost", "medium", D("70.00"), review_software),
        (JUN, "alpha", software, "money_in_on_cost", "medium", D("70.00"), review_software),
        # amount: abs(net to date): 75, then 75 - 25 = 50
        (FEB, "alpha", unknown, "unmapped_code", "high", D("75.00"), None),
        (MAR, "alpha", unknown, "unmapped_code", "high", D("75.00"), None),
        (APR, "alpha", unknown, "unmapped_code", "high", D("50.00"), None),
        (MAY, "alpha", unknown, "unmapped_code", "high", D("50.00"), None),
        (JUN, "alpha", unknown, "unmapped_code", "high", D("50.00"), None),
        (MAR, "alpha", sales, "money_out_on_revenue", "medium", D("150.00"), review_sales),
        (APR, "alpha", sales, "money_out_on_revenue", "medium", D("150.00"), review_sales),
        (MAY, "alpha", sales, "money_out_on_revenue", "medium", D("150.00"), review_sales),
        # beta's series ends in March
        (MAR, "beta", beta_sales, "money_out_on_revenue", "medium", D("40.00"), review_sales),
    ]
    details = {
        r["finding_id"]: r["detail"]
        for r in select(conn, "select * from metrics.chart_findings where month = $m", {"m": JUN})
    }
    assert details[crew] == (
        "Its row in chart_of_accounts.csv is held in quarantine (see the notes on the data): fix "
        "that row. Until then 1 line(s) since 2026-05-06, net -40.00, count in cash but in no "
        "profit-and-loss line"
    )
    assert details[unknown].startswith("Add it to chart_of_accounts.csv or recode its lines.")


# -- expense audit -------------------------------------------------------------------------------


def test_outliers_compare_with_the_exact_median_of_previous_months_with_spend(fixture):
    _, conn = fixture
    found = select(conn, "select * from metrics.expense_outliers order by month")
    assert [{k: v for k, v in r.items() if k != "outlier_ratio"} for r in found] == [
        # April fuel 400.00 against January-March 100.01, 125.00, 110.03: median 110.03;
        # 3 x 110.03 = 330.09 < 400.00
        {
            "entity_id": "alpha",
            "month": APR,
            "account_code": "5000",
            "account_name": "Fuel",
            "account_spend": D("400.00"),
            "median_spend": D("110.03"),
            "history_months": 3,
        },
        # May fuel 352.55 against 100.01, 110.03, 125.00, 400.00: median (110.03 + 125.00) / 2 =
        # 117.515 (shown 117.52); 3 x 117.515 = 352.545 < 352.55, although 3 x 117.52 = 352.56
        # would not be
        {
            "entity_id": "alpha",
            "month": MAY,
            "account_code": "5000",
            "account_name": "Fuel",
            "account_spend": D("352.55"),
            "median_spend": D("117.52"),
            "history_months": 4,
        },
    ]
    # 400.00 / 110.03 and 352.55 / 117.515
    assert [r["outlier_ratio"] for r in found] == [
        pytest.approx(3.6353721712, abs=1e-9),
        pytest.approx(3.0000425478, abs=1e-9),
    ]
    # Not outliers: June fuel 375.00 is exactly 3 x the median 125.00 of 100.01, 110.03, 125.00,
    # 352.55, 400.00 (above, not at, the factor); March commission 100.00 is 10 x 10.00 but has
    # only 2 months of history; April software nets money in, so it has no spend.


def test_expense_findings_add_outliers_and_name_their_transaction(fixture):
    _, conn = fixture
    found = select(
        conn,
        "select month, finding_id, rule, severity, detail, amount, open_until "
        "from metrics.expense_findings where month = $m order by finding_id",
        {"m": JUN},
    )
    assert found == [
        {
            "month": JUN,
            "finding_id": "F-7CDD4F00",
            "rule": "outlier",
            "severity": "medium",
            "detail": "400.00 spent on 5000 Fuel in 2026-04, 3.64 times its median month of "
            "110.03 over the previous 3 month(s) with spending",
            "amount": D("289.97"),  # 400.00 - 110.03
            "open_until": JUN,  # April + 3 - 1
        },
        {
            "month": JUN,
            "finding_id": "F-C9837900",
            "rule": "weekend",
            "severity": "low",
            "detail": "txn T36: paid on a Saturday",
            "amount": D("10.00"),
            "open_until": date(2026, 7, 1),
        },
        {
            "month": JUN,
            "finding_id": "F-E6FB1337",
            "rule": "outlier",
            "severity": "medium",
            "detail": "352.55 spent on 5000 Fuel in 2026-05, 3.00 times its median month of "
            "117.52 over the previous 4 month(s) with spending",
            "amount": D("235.03"),  # 352.55 - 117.52
            "open_until": date(2026, 7, 1),
        },
    ]
    # T35 is on code 5500, missing from the chart: flagged, but its finding is the chart's (open
    # until the chart or the line is fixed), not an expense finding too, so it is counted once
    assert select(
        conn,
        "select rule from metrics.expense_flags where txn_id = 'T35' union all "
        "select rule from metrics.chart_findings where month = $m and title like 'Account 5500 %'",
        {"m": JUN},
    ) == [{"rule": "unmapped_account"}, {"rule": "unmapped_code"}]
    # T15 (February, code 9999) is flagged but never an expense finding: 9999 is the chart's
    assert select(
        conn,
        "select count(*) as n from metrics.expense_findings where detail like 'txn T15:%'",
    ) == [{"n": 0}]
    # the April outlier is reviewed April to June, three months, and no longer
    assert select(
        conn,
        "select min(month) as first, max(month) as last, count(*) as months "
        "from metrics.expense_findings where finding_id = 'F-7CDD4F00'",
    ) == [{"first": APR, "last": JUN, "months": 3}]


def test_recurring_payments(fixture):
    _, conn = fixture
    found = select(
        conn, "select * from metrics.recurring_payments order by entity_id, month, counterparty"
    )
    table = [
        (
            r["month"],
            r["counterparty"],
            r["account_code"],
            r["monthly_amount"],
            r["annualized_cost"],
            r["months_running"],
            r["running_since"],
            r["new_recurring"],
        )
        for r in found
    ]
    assert table == [
        # Cloudco 50, 50, 55: median 50, 55 is exactly 10% above it, still steady
        (MAR, "Cloudco", "6100", D("55.00"), D("660.00"), 3, JAN, True),
        # 50, 55, 50 (April's credit note is money in, not a payment)
        (APR, "Cloudco", "6100", D("50.00"), D("600.00"), 4, JAN, False),
        # 55, 50, 60: median 55, both 5.00 off, within 5.50
        (MAY, "Cloudco", "6100", D("60.00"), D("720.00"), 5, JAN, False),
        # Acme Fuel April-June 400.00, 352.55, 375.00: median 375, 25.00 and 22.45 off, within
        # 37.50 (January-March: 125.00 is 14.97 off the median 110.03, beyond 11.003)
        (JUN, "Acme Fuel", "5000", D("375.00"), D("4500.00"), 6, JAN, True),
        # Landlord 1100.01 in March is 100.01 off the median 1000: not steady until April-June
        (JUN, "Landlord", "6000", D("1000.00"), D("12000.00"), 6, JAN, True),
    ]
    # Not recurring: Cloudco in June (not paid); Broker 10, 10, 100, 10, 10 (100 in every
    # window); beta's Cloudco (one month).


# -- checks ----------------------------------------------------------------------------------------

OWN_CHECKS = {
    "revenue_recognition_bookings": ["grain", "fallback_line_used_once"],
    "revenue_recognition_monthly": ["grain"],
    "revenue_recognition_findings": ["grain"],
    "chart_unmapped_accounts": ["grain", "not_in_chart"],
    "chart_misused_accounts": ["grain", "nets_against_type"],
    "chart_findings": ["grain"],
    "expense_outliers": ["grain", "above_factor"],
    "expense_findings": ["grain"],
    "recurring_payments": ["grain", "long_enough"],
}


def test_every_relation_has_its_checks_and_they_pass(fixture):
    _, conn = fixture
    assert {name: relation_named(name).checks for name in OWN_CHECKS} == OWN_CHECKS
    results = {
        (name, check): run_check(conn, relation_named(name), check)[0]
        for name, checks in OWN_CHECKS.items()
        for check in checks
    }
    assert {key: count for key, count in results.items() if count} == {}


BREAKAGES = [
    (
        "revenue_recognition_bookings",
        "grain",
        "insert into metrics.revenue_recognition_bookings "
        "select * from metrics.revenue_recognition_bookings where booking_id = 'A1'",
    ),
    (
        "revenue_recognition_bookings",
        "fallback_line_used_once",
        "update metrics.revenue_recognition_bookings set payment_txn_id = 'T07' "
        "where booking_id = 'A4'",
    ),
    (
        "revenue_recognition_bookings",
        "fallback_line_used_once",
        "update metrics.revenue_recognition_bookings set refund_txn_id = 'T19', "
        "refund_match = 'amount' where booking_id = 'A6'",
    ),
    (
        "revenue_recognition_monthly",
        "grain",
        "delete from metrics.revenue_recognition_monthly where entity_id = 'beta' "
        "and month = date '2026-03-01'",
    ),
    (
        "revenue_recognition_findings",
        "grain",
        "insert into metrics.revenue_recognition_findings select * from "
        "metrics.revenue_recognition_findings where month = date '2026-01-01'",
    ),
    (
        "chart_unmapped_accounts",
        "grain",
        "insert into metrics.chart_unmapped_accounts select * from "
        "metrics.chart_unmapped_accounts where account_code = '5500' and month = date '2026-05-01'",
    ),
    (
        "chart_unmapped_accounts",
        "not_in_chart",
        "update metrics.chart_unmapped_accounts set lines_to_date = 3 "
        "where account_code = '9999' and month = date '2026-06-01'",
    ),
    (
        "chart_misused_accounts",
        "grain",
        "insert into metrics.chart_misused_accounts select * from metrics.chart_misused_accounts "
        "where entity_id = 'beta'",
    ),
    (
        "chart_misused_accounts",
        "nets_against_type",
        "update metrics.chart_misused_accounts set month_net = 40.00 where entity_id = 'beta'",
    ),
    (
        "chart_findings",
        "grain",
        "insert into metrics.chart_findings select * from metrics.chart_findings "
        "where entity_id = 'beta'",
    ),
    (
        "expense_outliers",
        "grain",
        "insert into metrics.expense_outliers select * from metrics.expense_outliers "
        "where month = date '2026-04-01'",
    ),
    (
        "expense_outliers",
        "above_factor",
        "update metrics.expense_outliers set outlier_ratio = 3.0 where month = date '2026-05-01'",
    ),
    (
        "expense_findings",
        "grain",
        "insert into metrics.expense_findings select * from metrics.expense_findings "
        "where month = date '2026-06-01' and rule = 'weekend'",
    ),
    (
        "recurring_payments",
        "grain",
        "insert into metrics.recurring_payments select * from metrics.recurring_payments "
        "where counterparty = 'Landlord'",
    ),
    (
        "recurring_payments",
        "long_enough",
        "update metrics.recurring_payments set months_running = 2, running_since = "
        "date '2026-02-01' where month = date '2026-03-01'",
    ),
]


@pytest.mark.parametrize(("relation", "check", "breakage"), BREAKAGES)
def test_a_check_catches_a_broken_table(fixture, relation, check, breakage):
    _, conn = fixture
    assert run_check(conn, relation_named(relation), check)[0] == 0
    # broken inside a transaction that is rolled back, so the shared warehouse stays whole
    conn.execute("begin transaction")
    try:
        conn.execute(breakage)
        count, sample = run_check(conn, relation_named(relation), check)
    finally:
        conn.execute("rollback")
    assert count == 1 and len(sample) == 1


# -- the report ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def june(fixture):
    """The report for June 2026 on the fixture: (model, RenderedReport)."""
    path, conn = fixture
    return build_report(conn, path, "accounting", "2026-06")


def test_the_report_on_the_fixture(june):
    model, rendered = june
    # an entity's data stops before June's end (nothing closes the month): the report says so
    assert [e.name for e in model.data.late] != []
    assert model.subject == (
        "Preliminary: Executive Report: Accounting - Jun 2026 - 9 open findings, prepaid in "
        "revenue $120"
    )
    headlines = {h.label: h for h in model.headlines}
    # the deferred revenue is all prepayments in revenue, in June and in May: one figure, so one
    # headline (decision 43), and the section says it is all of the deferred revenue
    assert list(headlines) == [
        "Open findings",
        "Prepayments in revenue",
        "Cancelled, not refunded",
        "Lines on unmapped codes",
    ]
    # June: 3 revenue recognition (prepaid, A6, A9) + 3 chart (9999, 5500, 6100 of April) +
    # 3 expense (T36, April and May fuel); May: 2 + 4 (9999, 5500, 4000 of March, 6100) + 3.
    # T35 (May, on 5500) is the chart's finding of 5500, not an expense finding too
    opened = headlines["Open findings"]
    assert (opened.value, opened.previous, opened.target, opened.good) == (9, 9, 0, False)
    prepaid = headlines["Prepayments in revenue"]
    assert (prepaid.value, prepaid.previous, prepaid.change) == (
        D("120.00"),
        D("0.00"),
        D("120.00"),
    )
    unreturned = headlines["Cancelled, not refunded"]
    assert (unreturned.value, unreturned.previous, unreturned.target) == (
        D("310.00"),
        D("310.00"),
        D("0.00"),
    )
    # 9999: 2 lines, 5500: 1 line, in both months
    unmapped = headlines["Lines on unmapped codes"]
    assert (unmapped.value, unmapped.previous) == (3, 3)

    assert model.verdicts == [
        "Alpha Charters: books not right: $120 of prepayments for 1 future service sit in "
        "revenue; $310 kept on 2 cancelled bookings with no refund; 3 ledger lines on codes "
        "5500, 9999, missing from the chart; also 3 expense findings to review ($535).",
        # 10.00 + 289.97 + 235.03 = 535.00, the $535 above, compact as every verdict (decision
        # 39; the expense audit's total holds it to the cent). T35's 40.00 is on 5500, the
        # chart's finding
        "Beta Hauling: no ledger data for June 2026 (data ends 2026-03-02).",
    ]
    sections = {s.key: s for s in model.sections}
    assert list(sections) == ["revenue_recognition", "chart_of_accounts", "expense_audit"]
    recognition = sections["revenue_recognition"]
    assert "No bookings.csv for Beta Hauling: their revenue recognition is not checked." in (
        recognition.lines
    )
    assert (
        "All of the deferred revenue, $120.00, sits in revenue: none of it is booked as deferred."
        in recognition.lines
    )
    assert [c.name for c in recognition.charts] == ["deferred"]
    summary, prepaid, findings = recognition.tables
    assert summary.attachment == "revenue_recognition.csv"
    assert [r["name"] for r in summary.rows] == ["Alpha Charters"]
    assert [r["booking_id"] for r in prepaid.rows] == ["A11"]
    # new before still open, then high before medium: prepaid (new), A9 (high), A6
    assert [(r["finding_id"], r["status"]) for r in findings.rows] == [
        ("F-EFE315C5", "new"),
        ("F-9A85F46E", "still open"),
        ("F-41666A1A", "still open"),
    ]
    chart = sections["chart_of_accounts"]
    unmapped_table, misused_table, chart_findings = chart.tables
    assert [(r["account_code"], r["in_quarantine"]) for r in unmapped_table.rows] == [
        ("9999", False),  # |-50| before |-40|
        ("5500", True),
    ]
    assert unmapped_table.total["net_to_date"] == D("-90.00")  # -50 - 40
    assert misused_table.rows == [] and "No account was used" in misused_table.empty
    assert [r["finding_id"] for r in chart_findings.rows] == [
        "F-B782845A",  # high, 50.00
        "F-894CCB31",  # high, 40.00
        "F-B02F4945",  # medium
    ]
    expense = sections["expense_audit"]
    assert [c.name for c in expense.charts] == ["expense_rules"]
    titles = [t.title for t in expense.tables]
    assert titles == [
        "Open findings by rule",
        "Findings",
        "Unusual spending under review",
        "Recurring payments (subscriptions, rent, payroll) per entity",
        "Recurring payments (all, the most costly first)",
    ]
    rules, expense_findings, outliers, by_entity, recurring = expense.tables
    assert expense_findings.attachment == "expense_findings.csv"
    assert rules.rows[0]["rule"] == "outlier" and rules.rows[0]["amount"] == D("525.00")
    # T36, April and May fuel; no rule counts codes missing from the chart (the chart's findings)
    assert rules.total["findings"] == 3 and rules.total["amount"] == D("535.00")
    assert "unmapped_account" not in [r["rule"] for r in rules.rows]
    assert [r["month"] for r in outliers.rows] == [MAY, APR]
    assert by_entity.total["annualized_cost"] == D("16500.00")  # 12,000 + 4,500
    assert [r["counterparty"] for r in recurring.rows] == ["Landlord", "Acme Fuel"]
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert NOT_A_VALUE.search(re.sub(r"<style>.*?</style>", "", text, flags=re.S)) is None


def test_the_json_matches_the_metric_store(fixture, june):
    _, conn = fixture
    _, rendered = june
    figures = json.loads(rendered.json)
    sections = {s["key"]: s for s in figures["sections"]}
    summary = sections["revenue_recognition"]["tables"][0]
    store = select(
        conn,
        "select monthly.*, deferred.deferred_balance "
        "from metrics.revenue_recognition_monthly as monthly "
        "inner join metrics.deferred_revenue as deferred using (entity_id, month) "
        "where month = $m and entity_id = 'alpha'",
        {"m": JUN},
    )[0]
    row = summary["rows"][0]
    for key in ("deferred_balance", "prepaid_in_revenue", "unreturned_cash"):
        assert Decimal(str(row[key])) == store[key], key
    for key in ("prepaid_bookings", "unreturned_bookings"):
        assert row[key] == store[key], key
    # deferred revenue and receivables on the entity's basis are metrics.revenue's, so they agree
    # with every other report's for the same entity and month
    on_basis = select(
        conn,
        "select basis, deferred_revenue, receivables_owed from metrics.revenue "
        "where month = $m and entity_id = 'alpha'",
        {"m": JUN},
    )[0]
    assert row["basis"] == on_basis["basis"]
    for key in ("deferred_revenue", "receivables_owed"):
        assert Decimal(str(row[key])) == on_basis[key], key
    headline = {h["label"]: h for h in figures["headlines"]}
    assert Decimal(str(headline["Prepayments in revenue"]["value"])) == store["prepaid_in_revenue"]
    open_count = select(
        conn,
        "select count(*) as n from metrics.findings where month = $m "
        "and source in ('revenue_recognition', 'chart', 'expense')",
        {"m": JUN},
    )[0]["n"]
    assert headline["Open findings"]["value"] == open_count

    unmapped = sections["chart_of_accounts"]["tables"][0]["rows"]
    stored = select(
        conn,
        "select account_code, lines_to_date, net_to_date from metrics.chart_unmapped_accounts "
        "where month = $m",
        {"m": JUN},
    )
    assert sorted(
        (r["account_code"], r["lines_to_date"], Decimal(str(r["net_to_date"]))) for r in unmapped
    ) == sorted(tuple(r.values()) for r in stored)
    outliers = sections["expense_audit"]["tables"][2]["rows"]
    stored = select(
        conn, "select account_spend, median_spend from metrics.expense_outliers order by month desc"
    )
    assert [
        (Decimal(str(r["account_spend"])), Decimal(str(r["median_spend"]))) for r in outliers
    ] == [(r["account_spend"], r["median_spend"]) for r in stored]
    recurring = sections["expense_audit"]["tables"][4]["rows"]
    stored = select(
        conn,
        "select counterparty, annualized_cost from metrics.recurring_payments where month = $m "
        "order by annualized_cost desc",
        {"m": JUN},
    )
    assert [(r["counterparty"], Decimal(str(r["annualized_cost"]))) for r in recurring] == [
        (r["counterparty"], r["annualized_cost"]) for r in stored
    ]


def test_a_ledger_alone_builds_the_report_with_no_data_sections(tmp_path):
    path = write_portfolio(
        tmp_path,
        {
            "solo/ledger.csv": "txn_id,date,account_code,amount,description,counterparty\n"
            "S1,2026-03-02,4000,500.00,Sale,Client\n"
            "S2,2026-03-03,6000,-200.00,Rent,Landlord\n"
        },
    )
    conn = load_warehouse(path)
    # no bookings: nothing matched, every month at 0
    assert select(conn, "select count(*) as n from metrics.revenue_recognition_bookings") == [
        {"n": 0}
    ]
    assert select(
        conn, "select prepaid_in_revenue, unreturned_cash from metrics.revenue_recognition_monthly"
    ) == [{"prepaid_in_revenue": D("0.00"), "unreturned_cash": D("0.00")}]
    for name in ("chart_unmapped_accounts", "expense_outliers", "recurring_payments", "findings"):
        assert select(conn, f"select count(*) as n from metrics.{name}") == [{"n": 0}], name
    model, rendered = build_report(conn, path, "accounting", "2026-03")
    sections = {s.key: s for s in model.sections}
    assert sections["revenue_recognition"].empty == (
        "No bookings.csv for any entity: add data/<entity>/bookings.csv "
        "(see docs/data-contract.md)."
    )
    assert sections["chart_of_accounts"].lines == [
        "Every account code in the ledger is in the chart, and no account was used against its "
        "type in March 2026."
    ]
    assert "No expense finding is open in March 2026." in sections["expense_audit"].lines
    assert model.verdicts == [
        "Solo: books right, nothing open. Revenue recognition not checked: no bookings.csv."
    ]
    assert [h.label for h in model.headlines] == ["Open findings", "Lines on unmapped codes"]
    assert [h.value for h in model.headlines] == [0, 0]
    assert model.data.missing_files == ["solo/bookings.csv"]
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert NOT_A_VALUE.search(re.sub(r"<style>.*?</style>", "", text, flags=re.S)) is None
    # the month after the data: every entity without data says so
    model, rendered = build_report(conn, path, "accounting", "2026-04")
    assert model.verdicts == ["Solo: no ledger data for April 2026 (data ends 2026-03-03)."]
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert NOT_A_VALUE.search(re.sub(r"<style>.*?</style>", "", text, flags=re.S)) is None


# -- imported lines no mapping rule matched ------------------------------------------------------

BANK_SOURCE = {
    "format": "bank_csv",
    "path": "bank.csv",
    "columns": {"date": "Posted", "amount": "Amount", "description": "Payee"},
    "date_format": "%m/%d/%Y",
    "decimal": ".",
    "sign": "expenses_negative",
}
CAFE_RULES = """\
rules:
  - match: coffee
    account: "6100"
  - match: catering
    account: "4000"
"""
# cafe: two of its four January lines and one of its three February lines match no rule.
CAFE_BANK = """\
Posted,Amount,Payee
01/06/2025,-4.50,BLUE BOTTLE COFFEE
01/07/2025,-12.00,Corner hardware
01/08/2025,250.00,Catering for Acme
01/20/2025,35.00,Deposit returned
02/03/2025,-80.25,Mystery Supply Co
02/10/2025,-4.50,BLUE BOTTLE COFFEE
02/12/2025,300.00,Catering for Beta
"""
# dock has no rules file yet: its twelve February lines are all uncategorized.
DOCK_BANK = "Posted,Amount,Payee\n02/03/2025,500.00,Slip rental\n" + "".join(
    f"02/{day + 3:02d}/2025,-{day}.00,Dock supply {day}\n" for day in range(1, 12)
)


@pytest.fixture
def uncategorized(portfolio):
    return portfolio(
        {
            "cafe/bank.csv": CAFE_BANK,
            "cafe/rules.yaml": CAFE_RULES,
            "dock/bank.csv": DOCK_BANK,
            # a canonical ledger's line on the uncategorized code is a code missing from the
            # chart, not a line for rules
            "shop/ledger.csv": "txn_id,date,account_code,amount,description,counterparty\n"
            "S1,2025-01-09,6999,-7.00,Misc,Someone\n"
            "S2,2025-02-09,4000,90.00,Sale,Client\n",
        },
        [
            {"id": "cafe", "name": "Cafe", "kind": "holding", "sources": [BANK_SOURCE]},
            {"id": "dock", "name": "Dock", "kind": "holding", "sources": [BANK_SOURCE]},
            {"id": "shop", "name": "Shop", "kind": "holding"},
        ],
    )


def uncategorized_tables(model) -> tuple:
    (chart,) = [s for s in model.sections if s.key == "chart_of_accounts"]
    by_title = {t.title: t for t in chart.tables}
    entities = next(t for title, t in by_title.items() if title.startswith("Imported lines"))
    lines = next(t for title, t in by_title.items() if title.startswith("Uncategorized lines"))
    return chart, entities, lines


def test_uncategorized_lines_per_entity_with_the_rules_file_and_the_largest_lines(uncategorized):
    conn = load_warehouse(uncategorized)
    model, rendered = build_report(conn, uncategorized, "accounting", "2025-02")
    chart, entities, lines = uncategorized_tables(model)
    assert entities.title == "Imported lines no mapping rule matched, to the end of February 2025"
    # dock: 500.00 in; 1.00 + 2.00 + ... + 11.00 = 66.00 out, all in February.
    # cafe: 35.00 in (January); 12.00 (January) + 80.25 (February) = 92.25 out.
    # The most money first: dock 566.00, cafe 127.25. Shop's canonical 6999 line is not one.
    assert [
        (
            r["name"],
            r["rules_file"],
            r["uncategorized_month_lines"],
            r["uncategorized_lines"],
            r["uncategorized_in"],
            r["uncategorized_out"],
        )
        for r in entities.rows
    ] == [
        ("Dock", "dock/rules.yaml", 12, 12, D("500.00"), D("66.00")),
        ("Cafe", "cafe/rules.yaml", 1, 3, D("35.00"), D("92.25")),
    ]
    # 12 + 1 = 13 this month; 12 + 3 = 15 to date; 500.00 + 35.00 in; 66.00 + 92.25 out
    assert {k: v for k, v in entities.total.items() if k.startswith("uncategorized")} == {
        "uncategorized_month_lines": 13,
        "uncategorized_lines": 15,
        "uncategorized_in": D("535.00"),
        "uncategorized_out": D("158.25"),
    }
    # the 10 largest of the 15, money in or out alike, with their file and line
    assert lines.title == "Uncategorized lines (the 10 largest of 15)"
    assert [(r["name"], r["amount"]) for r in lines.rows] == [
        ("Dock", D("500.00")),
        ("Cafe", D("-80.25")),
        ("Cafe", D("35.00")),
        ("Cafe", D("-12.00")),
        ("Dock", D("-11.00")),
        ("Dock", D("-10.00")),
        ("Dock", D("-9.00")),
        ("Dock", D("-8.00")),
        ("Dock", D("-7.00")),
        ("Dock", D("-6.00")),
    ]
    assert (lines.rows[1]["source_file"], lines.rows[1]["line"]) == ("cafe/bank.csv", 6)
    assert lines.rows[1]["description"] == "Mystery Supply Co"
    # the verdicts ask for rules, naming the file; the canonical line stays a missing code
    verdicts = {v.split(":")[0]: v for v in model.verdicts}
    assert verdicts["Cafe"].startswith(
        "Cafe: books not right: 3 imported lines no mapping rule matches "
        "(add rules to cafe/rules.yaml)"
    )
    assert "missing from the chart" not in verdicts["Cafe"]
    assert verdicts["Dock"].startswith(
        "Dock: books not right: 12 imported lines no mapping rule matches "
        "(add rules to dock/rules.yaml)"
    )
    assert verdicts["Shop"].startswith(
        "Shop: books not right: 1 ledger line on code 6999, missing from the chart"
    )
    assert any("uncategorized account 6999" in line for line in chart.lines)
    # the code's finding asks for rules where every line is imported; for both where some are not
    details = {
        r["entity_id"]: r["detail"]
        for r in rows(conn, "select * from metrics.findings where rule = 'unmapped_code'")
        if r["month"] == date(2025, 2, 1)
    }
    assert details["cafe"] == (
        "Imported lines no mapping rule matched: add rules for them to cafe/rules.yaml. "
        "Until then 3 line(s) since 2025-01-07, net -57.25, count in cash but in no "
        "profit-and-loss line"
    )
    assert details["shop"].startswith("Add it to chart_of_accounts.csv or recode its lines.")
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert "Rules file to edit" in text and "dock/rules.yaml" in text
        assert "Mystery Supply Co" in text
        assert NOT_A_VALUE.search(re.sub(r"<style>.*?</style>", "", text, flags=re.S)) is None


def test_uncategorized_lines_of_an_earlier_month_only_count_to_its_end(uncategorized):
    conn = load_warehouse(uncategorized)
    model, _ = build_report(conn, uncategorized, "accounting", "2025-01")
    _, entities, lines = uncategorized_tables(model)
    # January: cafe's 12.00 out and 35.00 in; dock's lines are February's
    assert [
        (r["name"], r["uncategorized_month_lines"], r["uncategorized_lines"]) for r in entities.rows
    ] == [("Cafe", 2, 2)]
    assert (entities.total["uncategorized_in"], entities.total["uncategorized_out"]) == (
        D("35.00"),
        D("12.00"),
    )
    assert lines.title == "Uncategorized lines (all, the largest first)"
    assert [(r["date"], r["amount"]) for r in lines.rows] == [
        (date(2025, 1, 20), D("35.00")),
        (date(2025, 1, 7), D("-12.00")),
    ]


def test_once_rules_categorize_every_line_the_report_shows_no_uncategorized_table(portfolio):
    rules = CAFE_RULES + '  - match: .\n    account: "6000"\n'
    path = portfolio(
        {"cafe/bank.csv": CAFE_BANK, "cafe/rules.yaml": rules},
        [{"id": "cafe", "name": "Cafe", "kind": "holding", "sources": [BANK_SOURCE]}],
    )
    conn = load_warehouse(path)
    model, _ = build_report(conn, path, "accounting", "2025-02")
    (chart,) = [s for s in model.sections if s.key == "chart_of_accounts"]
    assert not [t for t in chart.tables if "rule" in (t.title or "")]
    assert "imported line" not in model.verdicts[0]


# -- the demo portfolio --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_warehouse):
    return demo_warehouse


def test_the_demo_report_has_every_section_filled(demo):
    path, conn = demo
    model, rendered = build_report(conn, path, "accounting", "2026-10")
    # the demo books every deposit to revenue: deferred revenue is all prepayments in revenue,
    # one headline for the one figure (decision 43)
    assert len(model.headlines) == 4 and len(model.verdicts) == 6
    assert "Deferred revenue" not in [h.label for h in model.headlines]
    for section in model.sections:
        assert section.empty is None, section.title
        assert section.lines and any(t.rows for t in section.tables), section.title
    sections = {s.key: s for s in model.sections}
    # every table has rows but one: the demo uses no account against its type
    empty = [t.title for s in model.sections for t in s.tables if not t.rows]
    assert empty == ["Accounts used against their type in October 2026"]
    assert [
        (r["entity_id"], r["account_code"], r["lines_to_date"])
        for r in sections["chart_of_accounts"].tables[0].rows
    ] == [("quick_dump_now", "6999", 2), ("rental_3028_51st_st", "6999", 1)]
    # the rental's OFX statements: one line of a new payee no rule matches yet, and the file to
    # add a rule to; JADA's Stripe export names its own accounts
    _, entities, lines = uncategorized_tables(model)
    assert [(r["entity_id"], r["rules_file"], r["uncategorized_lines"]) for r in entities.rows] == [
        ("rental_3028_51st_st", "rental_3028_51st_st/rules.yaml", 1)
    ]
    assert [(r["date"], r["amount"], r["source_file"]) for r in lines.rows] == [
        (date(2026, 10, 14), D("-126.52"), "rental_3028_51st_st/bank/2026-10.ofx")
    ]
    assert {c.name for c in model.charts} == {"deferred", "expense_rules"}
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert NOT_A_VALUE.search(re.sub(r"<style>.*?</style>", "", text, flags=re.S)) is None
    assert len(rendered.html.encode()) < 100 * 1024
    # the demo's deliberate findings (exec_reporting/demo.py)
    found = {
        (r["entity_id"], r["rule"])
        for r in select(conn, "select * from metrics.findings where month = date '2026-10-01'")
    }
    assert {
        ("jada", "cancelled_not_refunded"),
        ("jada", "refund_not_in_ledger"),
        ("jada", "prepaid_in_revenue"),
        ("quick_dump_now", "unmapped_code"),
        ("rental_3028_51st_st", "unmapped_code"),
        ("dangerous_centaur", "duplicate"),
        ("queen_of_san_diego", "outlier"),
    } <= found
    recurring = select(
        conn,
        "select count(*) as n from metrics.recurring_payments "
        "where month = date '2026-10-01' and counterparty = 'QuickBooks Online'",
    )
    assert recurring == [{"n": 5}]  # a monthly subscription of five businesses
