"""The "Next 30 days" of the CEO and CFO reports (metrics.upcoming): hand-computed on a small
portfolio, and on the demo's October pack against the relations the amounts come from."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from conftest import build_report, load_warehouse, rows, write_portfolio

from exec_reporting.delivery import table_csv
from exec_reporting.metrics import relation, run_check

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
BOOKINGS = "booking_id,channel,booked_on,service_date,amount,paid_on,status\n"
STACK = (
    "component,provider,category,monthly_cost,mfa,backups,tls_expires_on,last_deploy_on,"
    "dependencies_updated_on,ci,monitoring\n"
)
# Report month March 2025: the 30 days after it run from April 1 to April 30.
FILES = {
    # an agency: one invoice due inside the window, one on May 1 (just outside), one part paid,
    # one paid in full and one already overdue (neither listed)
    "studio/ledger.csv": LEDGER
    + "S1,2025-03-05,4000,2000.00,Retainer,Client A\n"
    + "S2,2025-03-06,6100,-150.00,Design tool,Tools Inc\n"
    + "S3,2025-03-25,4000,300.00,Part payment INV-4,Client D\n"
    + "S4,2025-03-20,4000,700.00,Payment INV-3,Client C\n",
    "studio/invoices.csv": "invoice_id,client,issued_on,due_on,amount,paid_on,paid_amount,hours\n"
    + "INV-0,Client Z,2025-02-01,2025-03-03,400.00,,,\n"
    + "INV-1,Client A,2025-03-10,2025-04-09,1000.00,,,\n"
    + "INV-2,Client B,2025-03-15,2025-05-01,500.00,,,\n"
    + "INV-3,Client C,2025-03-01,2025-04-15,700.00,2025-03-20,,\n"
    + "INV-4,Client D,2025-03-05,2025-04-20,800.00,2025-03-25,300.00,\n",
    # a rental: March's rent paid, April's booked and unpaid (due on the 1st); a mortgage paid on
    # the 10th: principal 300 and interest 100
    "flat/ledger.csv": LEDGER
    + "F1,2025-03-01,4000,1200.00,Rent U1-2025-03,Tenant\n"
    + "F2,2025-03-10,2000,-300.00,Mortgage principal,Home Bank\n"
    + "F3,2025-03-10,6000,-100.00,Mortgage interest,Home Bank\n",
    "flat/bookings.csv": BOOKINGS
    + "U1-2025-03,lease,2025-02-25,2025-03-01,1200.00,2025-03-01,confirmed\n"
    + "U1-2025-04,lease,2025-03-25,2025-04-01,1200.00,,confirmed\n",
    # a yacht delivery trip departing unpaid, and one cancelled
    "yachts/ledger.csv": LEDGER + "Y1,2025-03-15,5000,-80.00,Fuel,Harbor Fuel\n",
    "yachts/bookings.csv": BOOKINGS
    + "T-1,direct,2025-03-02,2025-04-12,5000.00,,confirmed\n"
    + "T-2,broker,2025-03-03,2025-04-14,3000.00,,cancelled\n",
    # a charter paid in advance, and a certificate expiring on the window's last day (another the
    # day after it)
    "boats/ledger.csv": LEDGER + "B1,2025-02-10,4000,900.00,Charter C-1,Guest\n"
    "B2,2025-03-12,6100,-20.00,Hosting,Host Co\n",
    "boats/bookings.csv": BOOKINGS
    + "C-1,website,2025-02-10,2025-04-20,900.00,2025-02-10,confirmed\n",
    "boats/stack.csv": STACK
    + "website,Host Co,hosting,20.00,yes,yes,2025-04-30,2025-03-01,2025-03-01,yes,yes\n"
    + "shop,Host Co,hosting,0.00,yes,yes,2025-05-01,2025-03-01,2025-03-01,yes,yes\n",
}
ENTITIES = [
    {"id": "studio", "name": "Studio", "kind": "agency"},
    {"id": "flat", "name": "Flat", "kind": "rental"},
    {"id": "yachts", "name": "Yachts", "kind": "logistics"},
    {"id": "boats", "name": "Boats", "kind": "charter"},
]
CMO = {
    "milestones": [
        {"title": "List Boats on Viator", "entity": "boats", "due": "2025-04-25"},
        {"title": "Portfolio review", "due": "2025-04-28", "owner": "ceo"},
        {"title": "Done already", "entity": "boats", "due": "2025-04-05", "done": True},
    ]
}
MARCH = date(2025, 3, 1)

# (date, entity, kind, source, amount): the 30 days after March, by hand
EXPECTED = [
    (date(2025, 4, 1), "Flat", "rent_due", "U1-2025-04", Decimal("1200.00")),
    (date(2025, 4, 9), "Studio", "invoice_due", "INV-1", Decimal("1000.00")),
    (date(2025, 4, 10), "Flat", "loan_payment", "Home Bank", Decimal("-400.00")),
    (date(2025, 4, 12), "Yachts", "departure", "T-1", Decimal("5000.00")),
    (date(2025, 4, 20), "Boats", "departure", "C-1", None),
    (date(2025, 4, 20), "Studio", "invoice_due", "INV-4", Decimal("500.00")),
    (date(2025, 4, 25), "Boats", "milestone_due", "M-", None),
    (date(2025, 4, 28), "Portfolio", "milestone_due", "M-", None),
    (date(2025, 4, 30), "Boats", "certificate_expiry", "website", None),
]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = write_portfolio(tmp_path_factory.mktemp("next30"), FILES, ENTITIES, cmo=CMO)
    return path, load_warehouse(path)


def section(model, key="next_30_days"):
    return next(s for s in model.sections if s.key == key)


def as_tuple(row: dict) -> tuple:
    source = row["upcoming_source"]
    amount = row["upcoming_amount"]
    return (
        row["upcoming_on"],
        row["name"],
        row["upcoming_kind"],
        "M-" if source.startswith("M-") else source,
        None if amount == "–" else amount,
    )


def test_the_ceo_lists_every_event_of_the_30_days_by_date(small):
    path, conn = small
    model, rendered = build_report(conn, path, "ceo", "2025-03")
    next30 = section(model)
    assert next30.title == "Next 30 days" and next30.empty is None
    [table] = next30.tables
    assert [as_tuple(r) for r in table.rows] == EXPECTED
    events = {r["upcoming_source"]: r["upcoming_event"] for r in table.rows}
    assert events["INV-1"] == "Invoice INV-1, Client A"
    assert events["INV-4"] == "Invoice INV-4, Client D, part paid"
    assert events["U1-2025-04"] == "Rent, lease U1-2025-04, unpaid"
    assert events["C-1"] == "Charter C-1 (website), paid 2025-02-10"
    assert events["T-1"] == "Trip T-1 (direct), unpaid"
    assert events["Home Bank"] == "Loan payment, Home Bank"
    # in: 1200 + 1000 + 5000 + 500; out: 400
    assert "Money due in: $7,700.00; money due out: $400.00; net $7,300.00." in next30.lines
    assert next30.lines[0] == (
        "From Apr 1, 2025 to Apr 30, 2025, as known on Mar 31, 2025: 2 invoices due, 1 rent due, "
        "1 loan payment, 2 trips and charters departing, 1 certificate expiring, 2 milestones "
        "due."
    )
    # the email shows date, entity, what and amount; the CSV every column
    assert [c.key for c in table.email_columns] == [
        "upcoming_on",
        "name",
        "upcoming_event",
        "upcoming_amount",
    ]
    assert "Invoice INV-1, Client A" in rendered.html and "next_30_days.csv" in rendered.text
    assert all(len(line) <= 78 for line in rendered.text.splitlines())


def test_what_is_paid_overdue_cancelled_or_outside_the_window_is_not_listed(small):
    path, conn = small
    model, _ = build_report(conn, path, "ceo", "2025-03")
    sources = {r["upcoming_source"] for r in section(model).tables[0].rows}
    # INV-3 paid, INV-0 overdue, INV-2 due May 1, T-2 cancelled, shop's certificate May 1,
    # a milestone done
    assert not sources & {"INV-0", "INV-2", "INV-3", "T-2", "shop"}
    titles = {r["upcoming_event"] for r in section(model).tables[0].rows}
    assert "Milestone: Done already" not in titles
    assert "Milestone: Portfolio review" in titles


def test_the_relation_reaches_two_months_for_the_weekly_flash(small):
    """The relation holds April and May; a report reads its window by parameters."""
    _, conn = small
    may = rows(
        conn,
        "select upcoming_on, entity_id, upcoming_kind, upcoming_source, upcoming_amount "
        "from metrics.upcoming "
        "where month = date '2025-03-01' and upcoming_on > date '2025-04-30' order by all",
    )
    assert [tuple(r.values()) for r in may] == [
        (date(2025, 5, 1), "boats", "certificate_expiry", "shop", None),
        # the unit let in March keeps its rent on the lease's day: May 1, rolling on
        (date(2025, 5, 1), "flat", "rent_due", "U1", Decimal("1200.00")),
        (date(2025, 5, 1), "studio", "invoice_due", "INV-2", Decimal("500.00")),
        (date(2025, 5, 10), "flat", "loan_payment", "Home Bank", Decimal("-400.00")),
    ]
    assert max(r["upcoming_on"] for r in rows(conn, "select * from metrics.upcoming")) <= date(
        2025, 5, 31
    )
    for check in relation("upcoming").checks:
        assert run_check(conn, relation("upcoming"), check)[0] == 0, check


@pytest.mark.parametrize(
    ("check", "breakage", "broken"),
    [
        # an amount the cash forecast does not have
        (
            "agrees_with_forecast",
            "update metrics.upcoming set upcoming_amount = upcoming_amount + 0.01 "
            "where upcoming_source = 'INV-1'",
            1,
        ),
        # a loan payment both lists agree on, but not metrics.loan_payments
        (
            "agrees_with_forecast",
            "update metrics.loan_payments set payment = payment + 1 "
            "where lender = 'Home Bank' and month = date '2025-03-01'",
            2,  # its payments of April 10 and May 10
        ),
        # an event dated in the report month itself
        (
            "inside_window",
            "update metrics.upcoming set upcoming_on = date '2025-03-31' "
            "where upcoming_source = 'T-1' and month = date '2025-03-01'",
            1,
        ),
    ],
)
def test_the_checks_catch_a_broken_list(tmp_path, check, breakage, broken):
    conn = load_warehouse(write_portfolio(tmp_path, FILES, ENTITIES, cmo=CMO))
    assert run_check(conn, relation("upcoming"), check)[0] == 0
    conn.execute(breakage)
    count, sample = run_check(conn, relation("upcoming"), check)
    assert count == broken and len(sample) == broken


def test_the_cfo_lists_the_money_with_the_loan_payments_named(small):
    path, conn = small
    model, _ = build_report(conn, path, "cfo", "2025-03")
    next30 = section(model)
    [table] = next30.tables
    assert [as_tuple(r) for r in table.rows] == [e for e in EXPECTED if e[4] is not None]
    assert next30.lines[0] == (
        "Money known to move from Apr 1, 2025 to Apr 30, 2025, as on Mar 31, 2025: 2 invoices "
        "due, 1 rent due, 1 loan payment, 1 trip or charter departing. Money due in: $7,700.00; "
        "money due out: $400.00; net $7,300.00."
    )
    assert next30.lines[1] == (
        "Loan payments: $400.00 in all; Flat to Home Bank $400.00 on Apr 10, 2025."
    )


def test_a_month_with_nothing_ahead_says_so(small):
    path, conn = small
    # February is in Boats' series only (the others' ledgers start in March), and nothing of
    # Boats falls in March 1-30: C-1 departs on April 20, its certificate expires on April 30
    for report in ("ceo", "cfo"):
        model, rendered = build_report(conn, path, report, "2025-02")
        nothing = section(model)
        assert nothing.tables == [] and nothing.lines == []
        assert "between Mar 1, 2025 and Mar 30, 2025" in nothing.empty
        assert "between Mar 1, 2025 and Mar 30, 2025" in " ".join(rendered.text.split())


# -- the demo's October pack --------------------------------------------------------------------


@pytest.fixture(scope="module")
def october(demo_warehouse):
    path, conn = demo_warehouse
    return {report: build_report(conn, path, report, "2026-10") for report in ("ceo", "cfo")} | {
        "conn": conn
    }


def test_every_demo_event_falls_in_november(october):
    for report in ("ceo", "cfo"):
        model, _ = october[report]
        [table] = section(model).tables
        assert table.rows, report
        days = [r["upcoming_on"] for r in table.rows]
        assert days == sorted(days)
        assert all(date(2026, 11, 1) <= d <= date(2026, 11, 30) for d in days), report


def test_demo_amounts_equal_their_source_relations(october):
    conn = october["conn"]
    model, _ = october["ceo"]
    [table] = section(model).tables
    invoices = {
        r["invoice_id"]: r["open_balance"]
        for r in rows(
            conn,
            "select * from metrics.receivables_invoices where month = date '2026-10-01'",
        )
    }
    loans = {
        (r["entity_id"], r["lender"]): r["payment"]
        for r in rows(conn, "select * from metrics.loan_payments where month = date '2026-10-01'")
    }
    bookings = {
        (r["entity_id"], r["booking_id"]): r
        for r in rows(conn, "select * from raw.bookings where status = 'confirmed'")
    }
    kinds = {r["upcoming_kind"] for r in table.rows}
    assert {"invoice_due", "rent_due", "loan_payment", "departure"} <= kinds
    assert {"certificate_expiry", "milestone_due"} <= kinds
    for row in table.rows:
        kind, source, amount = row["upcoming_kind"], row["upcoming_source"], row["upcoming_amount"]
        if kind == "invoice_due":
            assert amount == invoices[source], source
        elif kind == "loan_payment":
            assert amount == -loans[(row["entity_id"], source)], source
        elif kind in ("rent_due", "departure") and (row["entity_id"], source) in bookings:
            booking = bookings[(row["entity_id"], source)]
            assert booking["service_date"] == row["upcoming_on"]
            paid = booking["paid_on"] is not None and booking["paid_on"] <= date(2026, 10, 31)
            assert amount == ("–" if paid else booking["amount"]), source
        else:
            assert amount == "–", (kind, source)
    # the money line is the table's totals
    money = [r["upcoming_amount"] for r in table.rows if r["upcoming_amount"] != "–"]
    money_in = sum(a for a in money if a > 0)
    money_out = -sum(a for a in money if a < 0)
    line = (
        f"Money due in: ${money_in:,.2f}; money due out: ${money_out:,.2f}; "
        f"net ${money_in - money_out:,.2f}."
    )
    assert line in section(model).lines
    cfo, _ = october["cfo"]
    assert line in section(cfo).lines[0]


def test_demo_names_the_events_the_issue_asks_for(october):
    model, rendered = october["ceo"]
    events = [r["upcoming_event"] for r in section(model).tables[0].rows]
    assert "Invoice DC-2026-047, Bluewater Example Hotels" in events
    assert "Rent, lease R3028-B-2026-11, unpaid" in events
    assert "Loan payment, Coastal Example Marine Finance" in events
    assert "TLS certificate of jada-website expires" in events
    assert "Milestone: List Queen of San Diego on Viator" in events
    assert any(e.startswith("Trip EYD-0065") for e in events)
    assert any(e.startswith("Charter QSD-B0153") for e in events)


def test_the_csv_attachment_carries_every_column(october):
    for report in ("ceo", "cfo"):
        _, rendered = october[report]
        data = json.loads(rendered.json)
        [table] = next(s for s in data["sections"] if s["key"] == "next_30_days")["tables"]
        assert table["attachment"] == "next_30_days.csv"
        reader = list(csv.reader(io.StringIO(table_csv(table).decode())))
        assert reader[0] == ["Date", "Entity", "What", "Amount", "Kind", "Source"]
        assert len(reader) == len(table["rows"]) + 1
