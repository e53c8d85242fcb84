"""Revenue on one basis per entity (metrics.revenue, docs/decisions.md #33): a small portfolio
whose figures were worked out by hand, the bridge from cash received to revenue earned, the
`basis` setting, and the blocking check that holds a month back when the bank and the exports
tell two stories, through a real Dagster run."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import dagster as dg
import pytest
from conftest import load_warehouse, rows, write_portfolio

from exec_reporting.config import ConfigError, load_config
from exec_reporting.definitions import MONTHLY_JOB, build_definitions
from exec_reporting.metrics import check_outcome, relation, run_check

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
BOOKINGS = "booking_id,channel,booked_on,service_date,amount,paid_on,status\n"
INVOICES = "invoice_id,client,issued_on,due_on,amount,paid_on,paid_amount,hours\n"
SEP, OCT, NOV = date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1)

# charters: C-1 paid in September for an October charter (deferred, then earned); C-2 paid in
# September, cancelled, 400.00 of its 500.00 refunded on October 15 (the 100.00 kept is earned
# then); interest earned on October 31 belongs to no booking (earned when received).
CHARTERS = {
    "charters/ledger.csv": LEDGER
    + "C01,2025-09-05,4000,1000.00,Charter C-1 prepaid,Guest A\n"
    + "C02,2025-09-10,4000,500.00,Charter C-2 deposit,Guest B\n"
    + "C03,2025-10-15,4000,-400.00,Refund C-2 (cancelled; fee kept),Guest B\n"
    + "C04,2025-10-31,4000,2.50,Interest earned,Bank\n"
    + "C05,2025-11-03,6000,-300.00,Moorage,Marina\n",
    "charters/bookings.csv": BOOKINGS
    + "C-1,web,2025-09-01,2025-10-10,1000.00,2025-09-05,confirmed\n"
    + "C-2,web,2025-09-08,2025-11-20,500.00,2025-09-10,cancelled\n",
}
# delivery: trip T-1 delivered on October 25, paid on November 3 (a receivable at October's end).
DELIVERY = {
    "delivery/ledger.csv": LEDGER
    + "D01,2025-09-02,3000,5000.00,Owner contribution,Owner\n"
    + "D02,2025-10-20,5000,-800.00,Fuel T-1,Fuel Dock\n"
    + "D03,2025-11-03,4000,5643.00,Delivery T-1,Yacht Owner\n",
    "delivery/bookings.csv": BOOKINGS
    + "T-1,direct,2025-09-23,2025-10-25,5643.00,2025-11-03,confirmed\n",
}
# flat: October's rent paid on its day; November's paid early, on October 28.
FLAT = {
    "flat/ledger.csv": LEDGER
    + "F01,2025-09-01,3000,1000.00,Owner contribution,Owner\n"
    + "F02,2025-10-01,4000,1200.00,Rent A-2025-10,Tenant\n"
    + "F03,2025-10-28,4000,1200.00,Rent A-2025-11 early,Tenant\n"
    + "F04,2025-11-10,6000,-50.00,Insurance,Insurer\n",
    "flat/bookings.csv": BOOKINGS
    + "A-2025-10,lease,2025-09-25,2025-10-01,1200.00,2025-10-01,confirmed\n"
    + "A-2025-11,lease,2025-10-25,2025-11-01,1200.00,2025-10-28,confirmed\n",
}
# studio: I-2, a project invoiced in September, 1,500.00 of its 2,000.00 paid on October 2 by a
# wire that names no invoice (tied on date and amount); I-1, October's retainer billed on October
# 1 (earned in October), paid on November 4.
STUDIO = {
    "studio/ledger.csv": LEDGER
    + "S01,2025-09-01,3000,1000.00,Owner contribution,Owner\n"
    + "S02,2025-10-02,4000,1500.00,Wire from Acme,Acme\n"
    + "S03,2025-11-04,4000,3000.00,Payment I-1,Beta Co\n",
    "studio/invoices.csv": INVOICES
    + "I-1,Beta Co,2025-10-01,2025-10-16,3000.00,2025-11-04,,20\n"
    + "I-2,Acme,2025-09-15,2025-10-15,2000.00,2025-10-02,1500.00,12\n",
}
# shop, on the cash basis: walk-in jobs, and B-1 paid in October for a job in November.
SHOP = {
    "shop/ledger.csv": LEDGER
    + "H01,2025-09-05,4000,250.00,Walk-in job,Customer\n"
    + "H02,2025-10-05,4000,600.00,Booking B-1 prepaid,Customer\n"
    + "H03,2025-10-06,4000,250.00,Walk-in job,Customer\n"
    + "H04,2025-11-20,6000,-100.00,Rent,Landlord\n",
    "shop/bookings.csv": BOOKINGS + "B-1,web,2025-10-01,2025-11-08,600.00,2025-10-05,confirmed\n",
}
ENTITIES = [
    {"id": "charters", "name": "Charters", "kind": "charter", "basis": "accrual"},
    {"id": "delivery", "name": "Delivery", "kind": "logistics", "basis": "accrual"},
    {"id": "flat", "name": "Flat", "kind": "rental", "basis": "accrual"},
    {"id": "studio", "name": "Studio", "kind": "agency", "basis": "accrual"},
    {"id": "shop", "name": "Shop", "kind": "hauling"},
]
BRIDGE = (
    "cash_received",
    "refunds",
    "deferred_change",
    "receivables_change",
    "recognized_revenue",
    "cash_on_receipt",
    "deferred_revenue",
    "receivables_owed",
    "revenue",
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    config_path = write_portfolio(
        tmp_path_factory.mktemp("revenue"),
        {**CHARTERS, **DELIVERY, **FLAT, **STUDIO, **SHOP},
        entities=ENTITIES,
        first_month="2025-09",
    )
    conn = load_warehouse(config_path)
    yield conn
    conn.close()


def bridge(conn, entity_id: str) -> dict[date, tuple]:
    """Per month: the figures of BRIDGE, as strings of Decimals."""
    return {
        r["month"]: tuple(str(r[name]) for name in BRIDGE)
        for r in rows(
            conn,
            "select * from metrics.revenue where entity_id = $e order by month",
            {"e": entity_id},
        )
    }


# each month: cash received, refunds, increase in deferred revenue, increase in receivables,
# recognized revenue, cash on receipt, deferred revenue, receivables owed, revenue
def figures(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ZERO = figures("0.00 " * 9)


def test_nothing_was_quarantined(warehouse):
    assert rows(warehouse, "select * from quarantine.rows") == []


def test_a_prepaid_charter_is_deferred_then_earned_and_a_cancellation_keeps_its_fee(warehouse):
    assert bridge(warehouse, "charters") == {
        # C-1 and C-2 paid: 1,500.00 in, nothing earned, all deferred
        SEP: figures("1500.00 0.00 1500.00 0.00 0.00 0.00 1500.00 0.00 0.00"),
        # C-1 served (1,000.00), C-2 settled: 400.00 back, 100.00 kept; interest 2.50:
        # -397.50 - (-1,500.00) + 0 = 1,102.50
        OCT: figures("-397.50 400.00 -1500.00 0.00 1102.50 2.50 0.00 0.00 1102.50"),
        NOV: ZERO,
    }


def test_an_unpaid_trip_is_a_receivable_until_it_is_paid(warehouse):
    assert bridge(warehouse, "delivery") == {
        SEP: ZERO,
        OCT: figures("0.00 0.00 0.00 5643.00 5643.00 0.00 0.00 5643.00 5643.00"),
        NOV: figures("5643.00 0.00 0.00 -5643.00 0.00 0.00 0.00 0.00 0.00"),
    }


def test_rent_paid_early_is_deferred_to_the_month_it_is_due(warehouse):
    assert bridge(warehouse, "flat") == {
        SEP: ZERO,
        OCT: figures("2400.00 0.00 1200.00 0.00 1200.00 0.00 1200.00 0.00 1200.00"),
        NOV: figures("0.00 0.00 -1200.00 0.00 1200.00 0.00 0.00 0.00 1200.00"),
    }


def test_invoices_are_earned_when_issued_a_retainer_in_its_month(warehouse):
    assert bridge(warehouse, "studio") == {
        # I-2 issued: 2,000.00 earned, owed
        SEP: figures("0.00 0.00 0.00 2000.00 2000.00 0.00 0.00 2000.00 2000.00"),
        # 1,500.00 of I-2 in; the retainer I-1 earned: 1,500.00 + 1,500.00 = 3,000.00
        OCT: figures("1500.00 0.00 0.00 1500.00 3000.00 0.00 0.00 3500.00 3000.00"),
        # I-1 paid; 500.00 of I-2 still owed
        NOV: figures("3000.00 0.00 0.00 -3000.00 0.00 0.00 0.00 500.00 0.00"),
    }
    # the same receivables as the aging's
    assert [
        (r["month"], r["receivables"])
        for r in rows(
            warehouse,
            "select month, receivables from metrics.receivables_monthly "
            "where entity_id = 'studio' order by month",
        )
    ] == [(SEP, Decimal("2000.00")), (OCT, Decimal("3500.00")), (NOV, Decimal("500.00"))]


def test_a_cash_basis_entity_counts_the_cash_received(warehouse):
    shop = bridge(warehouse, "shop")
    # revenue is the cash, whatever was earned: B-1's 600.00 counts in October, when paid
    assert [(month, f[0], f[4], f[8]) for month, f in shop.items()] == [
        (SEP, "250.00", "250.00", "250.00"),
        (OCT, "850.00", "250.00", "850.00"),
        (NOV, "0.00", "600.00", "0.00"),
    ]
    # and it is the revenue of the profit and loss, which stays on the cash basis
    assert [
        str(r["revenue"])
        for r in rows(
            warehouse,
            "select revenue from metrics.monthly_pnl where entity_id = 'shop' order by month",
        )
    ] == ["250.00", "850.00", "0.00"]
    assert {r["basis"] for r in rows(warehouse, "select basis from metrics.revenue")} == {
        "accrual",
        "cash",
    }


def test_each_revenue_line_is_tied_to_its_item_or_earned_when_received(warehouse):
    tied = {
        r["txn_id"]: (r["item_type"], r["item_id"], r["tied_by"])
        for r in rows(warehouse, "select * from metrics.revenue_cash_lines")
    }
    assert tied == {
        "C01": ("booking", "C-1", "names it"),
        "C02": ("booking", "C-2", "names it"),
        "C03": ("booking", "C-2", "names it"),
        "C04": (None, None, None),
        "D03": ("booking", "T-1", "names it"),
        "F02": ("booking", "A-2025-10", "names it"),
        "F03": ("booking", "A-2025-11", "names it"),
        "S02": ("invoice", "I-2", "date and amount"),
        "S03": ("invoice", "I-1", "names it"),
        "H01": (None, None, None),
        "H02": ("booking", "B-1", "names it"),
        "H03": (None, None, None),
    }


def test_the_events_of_a_cancelled_booking_with_a_refund(warehouse):
    assert [
        (r["event"], r["event_date"], str(r["cash_moved"]), str(r["revenue_earned"]), r["txn_id"])
        for r in rows(
            warehouse,
            "select * from metrics.revenue_events where item_id = 'C-2' order by event_date",
        )
    ] == [
        # the payment is its bank line's (decision 47)
        ("payment", date(2025, 9, 10), "500.00", "0.00", "C02"),
        ("refund", date(2025, 10, 15), "-400.00", "100.00", "C03"),
    ]


def test_every_check_of_the_revenue_relations_passes(warehouse):
    for name in ("revenue_cash_lines", "revenue_events", "revenue"):
        for check in relation(name).checks:
            assert run_check(warehouse, relation(name), check) == (0, []), (name, check)


# -- paid in instalments (docs/decisions.md #47) --------------------------------------------------

# yachts: K-1 (2,000.00, served October 12) paid 30 % on September 10 and 70 % on October 5, the
# export dating its payment in full; K-2 (500.00, October 20) overpaid 550.00 on October 1, the
# 50.00 credit refunded on November 5; K-3 (800.00, October 3) paid in September, 200.00 given
# back on October 10 after the service (a partial refund); K-4 (1,000.00, November 25) a 300.00
# deposit on October 20, the balance never paid (the export has no paid_on); K-5 cancelled after
# a 300.00 deposit on September 12 that was kept (service November 2).
YACHTS = {
    "yachts/ledger.csv": LEDGER
    + "Y01,2025-09-10,4000,600.00,Deposit K-1,Guest A\n"
    + "Y08,2025-09-12,4000,300.00,Deposit K-5,Guest E\n"
    + "Y05,2025-09-20,4000,800.00,Charter K-3,Guest C\n"
    + "Y03,2025-10-01,4000,550.00,Charter K-2,Guest B\n"
    + "Y02,2025-10-05,4000,1400.00,Balance K-1,Guest A\n"
    + "Y06,2025-10-10,4000,-200.00,Refund K-3 (goodwill),Guest C\n"
    + "Y07,2025-10-20,4000,300.00,Deposit K-4,Guest D\n"
    + "Y04,2025-11-05,4000,-50.00,Refund K-2 overpayment,Guest B\n",
    "yachts/bookings.csv": BOOKINGS
    + "K-1,web,2025-09-01,2025-10-12,2000.00,2025-10-05,confirmed\n"
    + "K-2,web,2025-09-15,2025-10-20,500.00,2025-10-01,confirmed\n"
    + "K-3,web,2025-09-15,2025-10-03,800.00,2025-09-20,confirmed\n"
    + "K-4,web,2025-10-15,2025-11-25,1000.00,,confirmed\n"
    + "K-5,web,2025-09-01,2025-11-02,1000.00,,cancelled\n",
}
# trips: T-2 (4,000.00) delivered on October 25, half paid on October 28, half on November 10.
TRIPS = {
    "trips/ledger.csv": LEDGER
    + "R01,2025-09-02,3000,1000.00,Owner contribution,Owner\n"
    + "R02,2025-10-28,4000,2000.00,Delivery T-2 first half,Yacht Owner\n"
    + "R03,2025-11-10,4000,2000.00,Delivery T-2 balance,Yacht Owner\n",
    "trips/bookings.csv": BOOKINGS
    + "T-2,direct,2025-09-23,2025-10-25,4000.00,2025-11-10,confirmed\n",
}
# lease: October's rent (1,500.00) paid 700.00 on September 29 and 800.00 on October 3.
LEASE = {
    "lease/ledger.csv": LEDGER
    + "E01,2025-09-01,3000,500.00,Owner contribution,Owner\n"
    + "E02,2025-09-29,4000,700.00,Rent L-2025-10 part,Tenant\n"
    + "E03,2025-10-03,4000,800.00,Rent L-2025-10 rest,Tenant\n"
    + "E04,2025-11-10,6000,-50.00,Insurance,Insurer\n",
    "lease/bookings.csv": BOOKINGS
    + "L-2025-10,lease,2025-09-25,2025-10-01,1500.00,2025-10-03,confirmed\n",
}
# agency: J-1 (3,000.00) issued September 15, 1,000.00 paid on September 30, 2,000.00 on October 2.
AGENCY = {
    "agency/ledger.csv": LEDGER
    + "G01,2025-09-01,3000,500.00,Owner contribution,Owner\n"
    + "G02,2025-09-30,4000,1000.00,Payment J-1 part 1,Acme\n"
    + "G03,2025-10-02,4000,2000.00,Payment J-1 final,Acme\n"
    + "G04,2025-11-10,6000,-50.00,Software,Vendor\n",
    "agency/invoices.csv": INVOICES + "J-1,Acme,2025-09-15,2025-10-15,3000.00,2025-10-02,,20\n",
}
INSTALMENT_ENTITIES = [
    {"id": "yachts", "name": "Yachts", "kind": "charter", "basis": "accrual"},
    {"id": "trips", "name": "Trips", "kind": "logistics", "basis": "accrual"},
    {"id": "lease", "name": "Lease", "kind": "rental", "basis": "accrual"},
    {"id": "agency", "name": "Agency", "kind": "agency", "basis": "accrual"},
]


@pytest.fixture(scope="module")
def instalments(tmp_path_factory):
    config_path = write_portfolio(
        tmp_path_factory.mktemp("instalments"),
        {**YACHTS, **TRIPS, **LEASE, **AGENCY},
        entities=INSTALMENT_ENTITIES,
        first_month="2025-09",
    )
    conn = load_warehouse(config_path)
    yield conn
    conn.close()


def test_instalments_close_the_bridge_in_every_month(instalments):
    outcome = check_outcome(instalments, relation("revenue"), "bridge_closes")
    assert (outcome.failures, outcome.tolerated) == (0, 0)
    assert rows(instalments, "select * from quarantine.rows") == []


def test_deposits_overpayment_and_partial_refunds_of_charters(instalments):
    assert bridge(instalments, "yachts") == {
        # K-1's 600.00, K-5's 300.00 and K-3's 800.00 in, all deferred
        SEP: figures("1700.00 0.00 1700.00 0.00 0.00 0.00 1700.00 0.00 0.00"),
        # in: K-2 550.00 + K-1 1,400.00 + K-4 300.00 - K-3 200.00 = 2,050.00; earned: K-1 2,000.00
        # + K-2 500.00 + K-3 800.00 - 200.00 given back = 3,100.00; deferred at the end: K-2's
        # 50.00 credit, K-4's 300.00 and K-5's 300.00 = 650.00 (from 1,700.00)
        OCT: figures("2050.00 200.00 -1050.00 0.00 3100.00 0.00 650.00 0.00 3100.00"),
        # K-2's credit refunded (no revenue back); K-4 served (1,000.00, 700.00 unpaid), K-5's
        # deposit kept (300.00): -50.00 + 650.00 + 700.00 = 1,300.00
        NOV: figures("-50.00 50.00 -650.00 700.00 1300.00 0.00 0.00 700.00 1300.00"),
    }


def test_a_trip_paid_half_before_and_half_after_its_month_end(instalments):
    assert bridge(instalments, "trips") == {
        SEP: ZERO,
        OCT: figures("2000.00 0.00 0.00 2000.00 4000.00 0.00 0.00 2000.00 4000.00"),
        NOV: figures("2000.00 0.00 0.00 -2000.00 0.00 0.00 0.00 0.00 0.00"),
    }


def test_a_lease_month_paid_in_two_parts(instalments):
    assert bridge(instalments, "lease") == {
        SEP: figures("700.00 0.00 700.00 0.00 0.00 0.00 700.00 0.00 0.00"),
        OCT: figures("800.00 0.00 -700.00 0.00 1500.00 0.00 0.00 0.00 1500.00"),
        NOV: ZERO,
    }


def test_an_invoice_paid_in_two_parts_across_a_month_end(instalments):
    assert bridge(instalments, "agency") == {
        SEP: figures("1000.00 0.00 0.00 2000.00 3000.00 0.00 0.00 2000.00 3000.00"),
        OCT: figures("2000.00 0.00 0.00 -2000.00 0.00 0.00 0.00 0.00 0.00"),
        NOV: ZERO,
    }


def test_each_instalment_is_an_event_of_its_item_with_the_amount_paid(instalments):
    assert [
        (r["event"], r["event_date"], str(r["cash_moved"]), str(r["revenue_earned"]), r["txn_id"])
        for r in rows(
            instalments,
            "select * from metrics.revenue_events where item_id in ('K-1', 'K-2') "
            "order by item_id, event_date, event",
        )
    ] == [
        ("payment", date(2025, 9, 10), "600.00", "0.00", "Y01"),
        ("payment", date(2025, 10, 5), "1400.00", "0.00", "Y02"),
        ("service", date(2025, 10, 12), "0.00", "2000.00", None),
        ("payment", date(2025, 10, 1), "550.00", "0.00", "Y03"),
        ("service", date(2025, 10, 20), "0.00", "500.00", None),
        # the overpayment's credit goes back: no revenue taken back
        ("refund", date(2025, 11, 5), "-50.00", "0.00", "Y04"),
    ]


def test_the_overpayment_is_counted_as_paid_more_than_its_amount(instalments):
    outcome = check_outcome(instalments, relation("revenue_events"), "paid_as_on_file")
    assert (outcome.failures, outcome.tolerated) == (0, 1)
    assert [
        (r["item_id"], r["what"], str(r["paid_in_bank"])) for r in outcome.tolerated_sample
    ] == [("K-2", "paid more than its amount", "550.00")]


def test_every_check_of_the_revenue_relations_passes_with_instalments(instalments):
    for name in ("revenue_recognition_bookings", "revenue_cash_lines", "revenue_events", "revenue"):
        for check in relation(name).checks:
            assert run_check(instalments, relation(name), check) == (0, []), (name, check)


# -- the basis setting ----------------------------------------------------------------------------


def test_basis_defaults_to_cash_and_reaches_the_config_table(warehouse):
    assert rows(warehouse, "select entity_id, basis from config.entities order by entity_id") == [
        {"entity_id": "charters", "basis": "accrual"},
        {"entity_id": "delivery", "basis": "accrual"},
        {"entity_id": "flat", "basis": "accrual"},
        {"entity_id": "shop", "basis": "cash"},
        {"entity_id": "studio", "basis": "accrual"},
    ]


def test_another_basis_is_an_error_naming_the_key_and_what_was_expected(tmp_path):
    path = write_portfolio(
        tmp_path,
        {"shop/ledger.csv": SHOP["shop/ledger.csv"]},
        entities=[{"id": "shop", "name": "Shop", "kind": "hauling", "basis": "modified cash"}],
    )
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    for fragment in (str(path), "entities[0].basis", "'cash'", "'accrual'", "'modified cash'"):
        assert fragment in message


# -- the bridge check: the bank and the exports disagree ------------------------------------------

# The export says C-1 was paid on September 28; the bank's line naming it is dated October 2.
LATE_BANK_LINE = {
    "charters/ledger.csv": CHARTERS["charters/ledger.csv"].replace(
        "C01,2025-09-05", "C01,2025-10-02"
    ),
    "charters/bookings.csv": CHARTERS["charters/bookings.csv"].replace(
        "1000.00,2025-09-05", "1000.00,2025-09-28"
    ),
}


def differences(conn) -> list[tuple]:
    outcome = check_outcome(conn, relation("revenue"), "bridge_closes")
    return outcome.failures, [
        (r["entity_id"], r["month"], str(r["difference"]))
        for r in outcome.sample + outcome.tolerated_sample
    ]


def test_a_payment_the_bank_has_in_another_month_breaks_the_bridge(tmp_path):
    conn = load_warehouse(
        write_portfolio(tmp_path, LATE_BANK_LINE, entities=ENTITIES[:1], first_month="2025-09")
    )
    # September: 1,000.00 deferred on file, not in the bank; October: in the bank, not on file
    assert differences(conn) == (
        2,
        [("charters", SEP, "1000.00"), ("charters", OCT, "-1000.00")],
    )


def test_on_the_cash_basis_the_same_months_are_tolerated_and_counted(tmp_path):
    cash = [{**ENTITIES[0], "basis": "cash"}]
    conn = load_warehouse(
        write_portfolio(tmp_path, LATE_BANK_LINE, entities=cash, first_month="2025-09")
    )
    outcome = check_outcome(conn, relation("revenue"), "bridge_closes")
    assert (outcome.failures, outcome.tolerated) == (0, 2)


def test_a_bank_line_paying_an_item_the_export_calls_unpaid_pays_it_and_is_counted(tmp_path):
    files = {
        "delivery/ledger.csv": DELIVERY["delivery/ledger.csv"],
        # the export never recorded T-1's payment
        "delivery/bookings.csv": BOOKINGS + "T-1,direct,2025-09-23,2025-10-25,5643.00,,confirmed\n",
    }
    conn = load_warehouse(
        write_portfolio(tmp_path, files, entities=ENTITIES[1:2], first_month="2025-09")
    )
    [november] = rows(
        conn,
        "select * from metrics.revenue where entity_id = 'delivery' and month = $m",
        {"m": NOV},
    )
    # earned once, in October, not again as untied cash in November
    assert (november["recognized_revenue"], november["cash_on_receipt"]) == (0, 0)
    # The bank's line is T-1's payment (decision 47: a deposit on a booking the export does not
    # call paid is the same shape), so the receivable is settled and the bridge closes; the
    # export behind the bank is counted by the revenue events' tolerated check.
    assert (november["receivables_change"], november["receivables_owed"]) == (-5643, 0)
    assert differences(conn) == (0, [])
    outcome = check_outcome(conn, relation("revenue_events"), "paid_as_on_file")
    assert (outcome.failures, outcome.tolerated) == (0, 1)
    assert [
        (r["item_id"], r["what"], str(r["paid_in_bank"])) for r in outcome.tolerated_sample
    ] == [("T-1", "paid in the bank, not on file", "5643.00")]


def test_a_bridge_that_does_not_close_fails_the_run_and_holds_the_reports_back(tmp_path):
    config_path = write_portfolio(
        tmp_path,
        LATE_BANK_LINE,
        entities=ENTITIES[:1],
        first_month="2025-09",
        personas={"cfo": {"to": ["cfo@example.com"]}},
    )
    config = load_config(config_path)
    defs = build_definitions(config)
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(MONTHLY_JOB).execute_in_process(
            instance=instance, partition_key="2025-10", raise_on_error=False
        )
        assert instance.get_latest_materialization_event(dg.AssetKey(["reports", "cfo"])) is None
    assert not result.success
    evaluations = {
        f"{e.event_specific_data.asset_key.to_user_string()} {e.event_specific_data.check_name}": (
            e.event_specific_data
        )
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    assert sorted(name for name, e in evaluations.items() if not e.passed) == [
        "metrics/revenue bridge_closes"
    ]
    sample = evaluations["metrics/revenue bridge_closes"].metadata["sample"].value
    assert [(row["month"], row["difference"]) for row in sample] == [
        ("2025-09-01", "1000.00"),
        ("2025-10-01", "-1000.00"),
    ]
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    assert "metric_store" in started
    assert started.isdisjoint({"metrics__report_inputs", "reports__cfo", "delivery__emails"})
    assert not (config.reports_path / "2025-10").exists()


# -- the demo -------------------------------------------------------------------------------------


def test_the_demo_bridge_closes_in_every_month_of_every_entity(demo_warehouse):
    _, conn = demo_warehouse
    outcome = check_outcome(conn, relation("revenue"), "bridge_closes")
    assert (outcome.failures, outcome.tolerated) == (0, 0)
    october = {
        r["entity_id"]: (
            r["basis"],
            str(r["cash_received"]),
            str(r["deferred_change"]),
            str(r["receivables_change"]),
            str(r["recognized_revenue"]),
        )
        for r in rows(conn, "select * from metrics.revenue where month = date '2026-10-01'")
    }
    # the trip delivered on October 25 and not yet paid (EYD-0064, 5,643.00) is the difference
    # between the bank's 8,072.66 and the trips' 13,710.00 (+ 5.66 interest)
    assert october["expert_yacht_delivery"] == (
        "accrual",
        "8072.66",
        "0.00",
        "5643.00",
        "13715.66",
    )
    # the agency billed 37,810.00 (+ 6.13 interest) and was paid 31,206.13
    assert october["dangerous_centaur"] == ("accrual", "31206.13", "0.00", "6610.00", "37816.13")
    # November's rent, paid on October 28, is deferred
    assert october["rental_3028_51st_st"] == ("accrual", "7926.34", "2790.00", "0.00", "5136.34")
    assert october["quick_dump_now"][0] == "cash"
