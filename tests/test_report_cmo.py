"""The CMO report: metrics.channel_matrix, metrics.ota_sequence and metrics.milestone_status on a
small portfolio worked out by hand (each expected figure is a literal, with its arithmetic), the
builder on that portfolio, its JSON against the metric store, a ledger-only portfolio and
the demo portfolio."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import build_report, load_warehouse, rows, write_portfolio

from exec_reporting.metrics import relation as relation_named
from exec_reporting.metrics import run_check

ROOT = Path(__file__).resolve().parent.parent
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def D(value: str) -> Decimal:
    return Decimal(value)


# alpha (charter), January to March 2026, opening cash 1,000.00:
#   revenue Jan 1200.00, Feb 500.00, Mar 0; rent (fixed) Jan 200.00, Feb 2000.00, Mar 300.00.
ALPHA_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
A1,2026-01-05,4000,1200.00,Charter,Guest
A2,2026-01-12,6000,-200.00,Rent,Marina
A3,2026-02-05,4000,500.00,Charter,Guest
A4,2026-02-10,6000,-2000.00,Rent,Marina
A5,2026-03-10,6000,-300.00,Rent,Marina
"""

# December 2025 is before alpha's first ledger month: in no month of the matrix.
# February's web row leaves spend empty (read as 0). March has only an ads row: web and
# getmyboat are then not listed, with zeros. March's ads cost per booking is 0.05 / 2 = 0.025,
# half a cent, rounded away from zero to 0.03.
ALPHA_CHANNELS = """\
month,channel,listed,spend,leads,bookings,revenue
2025-12,ads,yes,999.00,1,1,1.00
2026-01,web,yes,0.00,4,2,500.00
2026-01,ads,yes,100.00,10,3,450.00
2026-01,getmyboat,no,,,,
2026-02,ads,yes,200.00,5,0,0.00
2026-02,web,yes,,2,1,100.00
2026-02,getmyboat,yes,30.00,6,3,400.00
2026-03,ads,yes,0.05,1,2,0.10
"""

# beta (hauling), February and March: opex Feb 600.00, Mar 400.00; no channels.csv.
BETA_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
B1,2026-02-03,6000,-600.00,Yard rent,Yard
B2,2026-03-04,6000,-400.00,Yard rent,Yard
B3,2026-03-05,4000,50.00,Haul,Client
"""

# gamma (charter), February and March; no channels.csv: every charter OTA counts as not listed.
GAMMA_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
G1,2026-02-01,4000,10.00,Charter,Guest
G2,2026-03-31,4000,20.00,Charter,Guest
"""

ENTITIES = [
    {"id": "alpha", "name": "Alpha Charters", "kind": "charter", "opening_cash": "1000.00"},
    {"id": "beta", "name": "Beta Hauling", "kind": "hauling"},
    {"id": "gamma", "name": "Gamma Sails", "kind": "charter"},
]

# Scores, audience x (1 - commission):
#   getmyboat 1,000,000 x 0.875 = 875,000; viator 1,000,000 x 0.80 = 800,000;
#   klook 1,250,000 x 0.64 = 800,000 (a tie with viator: the lower commission, viator, goes
#   first); angi (hauling only) 5,000 x 0.90 = 4,500.
CMO = {
    "otas": [
        {"name": "viator", "commission": "0.20", "audience": 1000000},
        {"name": "klook", "commission": "0.36", "audience": 1250000, "note": "tie with viator"},
        {"name": "getmyboat", "commission": "0.125", "audience": 1000000},
        {"name": "angi", "commission": "0.10", "audience": 5000, "kinds": ["hauling"]},
    ],
    "milestones": [
        {
            "title": "List Alpha on getmyboat",
            "entity": "alpha",
            "due": "2026-02-15",
            "channel_listed": "getmyboat",
        },
        {
            "title": "Alpha revenue of 1000",
            "entity": "alpha",
            "due": "2026-04-30",
            "metric": "revenue",
            "target": "1000",
        },
        {"title": "Portfolio brochure", "due": "2026-03-02", "done": True},
        {
            "title": "Beta opex under 500",
            "entity": "beta",
            "due": "2026-05-30",
            "owner": "cfo",
            "metric": "opex",
            "target": "500",
            "better": "lower",
        },
        {
            "title": "Alpha runway of 6 months",
            "entity": "alpha",
            "due": "2026-06-30",
            "metric": "runway_months",
            "target": "6",
        },
        {
            "title": "List Gamma on viator",
            "entity": "gamma",
            "due": "2026-03-31",
            "channel_listed": "viator",
        },
    ],
}

FILES = {
    "alpha/ledger.csv": ALPHA_LEDGER,
    "alpha/channels.csv": ALPHA_CHANNELS,
    "beta/ledger.csv": BETA_LEDGER,
    "gamma/ledger.csv": GAMMA_LEDGER,
}


@pytest.fixture(scope="module")
def fixture_path(tmp_path_factory):
    return write_portfolio(tmp_path_factory.mktemp("cmo"), FILES, entities=ENTITIES, cmo=CMO)


@pytest.fixture(scope="module")
def warehouse(fixture_path):
    conn = load_warehouse(fixture_path)
    yield conn
    conn.close()


def test_fixture_loaded_without_quarantine(warehouse):
    assert rows(warehouse, "select count(*) as n from quarantine.rows") == [{"n": 0}]


# -- channel_matrix ----------------------------------------------------------------------------


def matrix(conn, month: date) -> dict[str, dict]:
    return {
        r["channel"]: r
        for r in rows(
            conn,
            "select * exclude (entity_id, month, channel), channel from metrics.channel_matrix "
            "where entity_id = 'alpha' and month = $m",
            {"m": month},
        )
    }


def test_channel_matrix_january(warehouse):
    assert matrix(warehouse, JAN) == {
        # 100.00 / 3 = 33.333 -> 33.33; (450.00 - 100.00) / 100.00 = 3.5
        "ads": {
            "channel": "ads",
            "listed": True,
            "spend": D("100.00"),
            "leads": 10,
            "bookings": 3,
            "channel_revenue": D("450.00"),
            "cost_per_booking": D("33.33"),
            "return_on_spend": pytest.approx(3.5),
        },
        # the row says no and leaves every figure empty: zeros, no ratios
        "getmyboat": {
            "channel": "getmyboat",
            "listed": False,
            "spend": D("0.00"),
            "leads": 0,
            "bookings": 0,
            "channel_revenue": D("0.00"),
            "cost_per_booking": None,
            "return_on_spend": None,
        },
        # free channel with bookings: cost 0.00 a booking, no return on no spend
        "web": {
            "channel": "web",
            "listed": True,
            "spend": D("0.00"),
            "leads": 4,
            "bookings": 2,
            "channel_revenue": D("500.00"),
            "cost_per_booking": D("0.00"),
            "return_on_spend": None,
        },
    }


def test_channel_matrix_february(warehouse):
    feb = matrix(warehouse, FEB)
    # spend without bookings: no cost per booking; (0 - 200.00) / 200.00 = -1
    assert feb["ads"]["cost_per_booking"] is None
    assert feb["ads"]["return_on_spend"] == pytest.approx(-1.0)
    # 30.00 / 3 = 10.00; (400.00 - 30.00) / 30.00 = 12.333...
    assert feb["getmyboat"]["listed"] is True
    assert feb["getmyboat"]["cost_per_booking"] == D("10.00")
    assert feb["getmyboat"]["return_on_spend"] == pytest.approx(12.333333333333334)
    # an empty spend cell is 0.00
    assert feb["web"]["spend"] == D("0.00")
    assert feb["web"]["cost_per_booking"] == D("0.00")


def test_channel_matrix_march_fills_missing_rows_and_rounds_half_a_cent(warehouse):
    mar = matrix(warehouse, MAR)
    # 0.05 / 2 = 0.025 -> 0.03 (half a cent away from zero); (0.10 - 0.05) / 0.05 = 1
    assert mar["ads"]["cost_per_booking"] == D("0.03")
    assert mar["ads"]["return_on_spend"] == pytest.approx(1.0)
    # no March row for web or getmyboat: not listed, zeros
    for channel in ("web", "getmyboat"):
        assert (
            mar[channel]["listed"],
            mar[channel]["spend"],
            mar[channel]["bookings"],
            mar[channel]["channel_revenue"],
        ) == (False, D("0.00"), 0, D("0.00"))


def test_channel_matrix_keeps_to_the_series_and_skips_entities_without_channels(warehouse):
    # alpha: 3 months x 3 channels; the December 2025 row is outside the series; beta and gamma
    # have no channels.csv
    assert rows(
        warehouse,
        "select entity_id, count(*) as n, min(month) as first, sum(spend) as spend "
        "from metrics.channel_matrix group by entity_id",
    ) == [
        # 100.00 + 200.00 + 30.00 + 0.05 (the 999.00 of December is not counted)
        {"entity_id": "alpha", "n": 9, "first": JAN, "spend": D("330.05")}
    ]


def test_column_types(warehouse):
    types = {
        (r["table_name"], r["column_name"]): r["data_type"]
        for r in rows(
            warehouse,
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'metrics' "
            "and table_name in ('channel_matrix', 'ota_sequence', 'milestone_status')",
        )
    }
    money = "DECIMAL(18,2)"
    expected = {
        ("channel_matrix", "month"): "DATE",
        ("channel_matrix", "listed"): "BOOLEAN",
        ("channel_matrix", "spend"): money,
        ("channel_matrix", "leads"): "BIGINT",
        ("channel_matrix", "bookings"): "BIGINT",
        ("channel_matrix", "channel_revenue"): money,
        ("channel_matrix", "cost_per_booking"): money,
        ("channel_matrix", "return_on_spend"): "DOUBLE",
        ("ota_sequence", "ota_rank"): "BIGINT",
        ("ota_sequence", "commission"): "DOUBLE",
        ("ota_sequence", "audience"): "BIGINT",
        ("ota_sequence", "net_audience"): "BIGINT",
        ("milestone_status", "milestone_due"): "DATE",
        ("milestone_status", "days_to_due"): "INTEGER",
        ("milestone_status", "actual"): "DECIMAL(38,4)",
        ("milestone_status", "milestone_done"): "BOOLEAN",
    }
    assert {key: types.get(key) for key in expected} == expected


# -- ota_sequence ------------------------------------------------------------------------------


def sequence(conn, entity_id: str, month: date) -> list[tuple]:
    return [
        (r["ota_rank"], r["ota"], r["net_audience"], r["ota_reason"])
        for r in rows(
            conn,
            "select * from metrics.ota_sequence where entity_id = $e and month = $m "
            "order by ota_rank",
            {"e": entity_id, "m": month},
        )
    ]


def test_ota_sequence_ranks_by_audience_net_of_commission(warehouse):
    # January: alpha's getmyboat row says no, so it counts as not listed
    assert sequence(warehouse, "alpha", JAN) == [
        (
            1,
            "getmyboat",
            875000,
            "Largest audience net of commission: 875.0K of 1.0M reached, after a 12.5% commission.",
        ),
        # 800,000 each: viator's 20% commission is lower than klook's 36%
        (
            2,
            "viator",
            800000,
            "Next after getmyboat: 800.0K of 1.0M reached, after a 20.0% commission.",
        ),
        # 1,250,000 reads 1.3M (half up)
        (
            3,
            "klook",
            800000,
            "Next after viator: 800.0K of 1.3M reached, after a 36.0% commission.",
        ),
    ]


def test_ota_sequence_drops_listed_otas_and_names_peers(warehouse):
    # February: alpha is listed on getmyboat, so viator comes first
    assert [r[:2] for r in sequence(warehouse, "alpha", FEB)] == [(1, "viator"), (2, "klook")]
    # gamma has no channels.csv: every charter OTA is still to add; alpha is listed on getmyboat
    # that month with 3 bookings
    assert sequence(warehouse, "gamma", FEB)[0] == (
        1,
        "getmyboat",
        875000,
        "Largest audience net of commission: 875.0K of 1.0M reached, after a 12.5% commission; "
        "Alpha Charters is listed there (3 bookings this month).",
    )
    # March: no getmyboat row for alpha, so it is back at the top, and no peer evidence for gamma
    assert [r[:2] for r in sequence(warehouse, "alpha", MAR)] == [
        (1, "getmyboat"),
        (2, "viator"),
        (3, "klook"),
    ]
    assert "listed there" not in sequence(warehouse, "gamma", MAR)[0][3]


def test_ota_sequence_follows_the_kinds(warehouse):
    # beta is a hauling business: only angi suits it; 5,000 x 0.90 = 4,500
    assert sequence(warehouse, "beta", MAR) == [
        (
            1,
            "angi",
            4500,
            "Only suitable OTA not listed yet: 4.5K of 5.0K reached, after a 10.0% commission.",
        )
    ]
    # 3 alpha months + 2 gamma months with 3, 2 or 3 charter OTAs, and 2 beta months with 1:
    # alpha 3 + 2 + 3, gamma 3 + 3, beta 1 + 1
    assert rows(warehouse, "select count(*) as n from metrics.ota_sequence") == [{"n": 16}]


# -- milestone_status --------------------------------------------------------------------------


def milestones(conn, title: str) -> list[tuple]:
    return [
        (r["month"], r["days_to_due"], r["milestone_done"], r["milestone_status"])
        for r in rows(
            conn,
            "select * from metrics.milestone_status where milestone = $t order by month",
            {"t": title},
        )
    ]


def test_milestone_done_by_listing_then_overdue_when_delisted(warehouse):
    assert milestones(warehouse, "List Alpha on getmyboat") == [
        # due 2026-02-15: 15 days after 2026-01-31; not listed in January
        (JAN, 15, False, "due in 30 days"),
        # listed in February: done
        (FEB, -13, True, "done"),
        # no March row: not listed, and 2026-02-15 - 2026-03-31 = -44: overdue
        (MAR, -44, False, "overdue"),
    ]


def test_milestone_done_by_metric_and_window_boundaries(warehouse):
    assert milestones(warehouse, "Alpha revenue of 1000") == [
        # revenue 1200.00 >= 1000: done (2026-04-30 - 2026-01-31 = 89 days)
        (JAN, 89, True, "done"),
        # 500.00: not met; 2026-04-30 - 2026-02-28 = 61 days: the 90-day window
        (FEB, 61, False, "due in 90 days"),
        # 0.00; exactly 30 days: still the 30-day window
        (MAR, 30, False, "due in 30 days"),
    ]
    # lower is better: opex 600.00 > 500 in February (2026-05-30 - 2026-02-28 = 91 days: later),
    # 400.00 <= 500 in March
    assert milestones(warehouse, "Beta opex under 500") == [
        (FEB, 91, False, "later"),
        (MAR, 60, True, "done"),
    ]
    # gamma has no channels.csv: viator is never listed; 2026-03-31 - 2026-02-28 = 31 days (the
    # 60-day window), and due on March's last day: 0 days, due, not overdue
    assert milestones(warehouse, "List Gamma on viator") == [
        (FEB, 31, False, "due in 60 days"),
        (MAR, 0, False, "due in 30 days"),
    ]


def test_milestone_runway_not_burning_meets_the_target(warehouse):
    found = rows(
        warehouse,
        "select month, actual, met, milestone_status from metrics.milestone_status "
        "where milestone = 'Alpha runway of 6 months' order by month",
    )
    assert found == [
        # January made 1,000.00 (1200 - 200): not burning, no runway: a runway target is met
        {"month": JAN, "actual": None, "met": True, "milestone_status": "done"},
        # February: 3-month average net burn (-1000 + 1500) / 2 = 250.00; cash 1000 + 1200 - 200
        # + 500 - 2000 = 500.00; runway 500 / 250 = 2 < 6 (2026-06-30 is 122 days away)
        {"month": FEB, "actual": D("2.0000"), "met": False, "milestone_status": "later"},
        # March: (-1000 + 1500 + 300) / 3 = 266.67; cash 200.00; 200 / 266.67 = 0.74999 -> 0.7500
        {"month": MAR, "actual": D("0.7500"), "met": False, "milestone_status": "later"},
    ]


def test_portfolio_milestone_marked_done_follows_every_month(warehouse):
    found = rows(
        warehouse,
        "select month, entity_id, milestone_id, marked_done, milestone_status "
        "from metrics.milestone_status where milestone = 'Portfolio brochure' order by month",
    )
    # md5('|Portfolio brochure') = ed7d3ceb...: a portfolio milestone has no entity
    assert found == [
        {
            "month": month,
            "entity_id": None,
            "milestone_id": "M-ED7D3CEB",
            "marked_done": True,
            "milestone_status": "done",
        }
        for month in (JAN, FEB, MAR)
    ]


def test_milestone_ids_are_stable(warehouse):
    ids = rows(
        warehouse,
        "select milestone, count(distinct milestone_id) as ids, min(milestone_id) as id "
        "from metrics.milestone_status group by milestone order by milestone",
    )
    assert all(r["ids"] == 1 and re.fullmatch(r"M-[0-9A-F]{8}", r["id"]) for r in ids)
    # md5('alpha|List Alpha on getmyboat') = 056d916a...
    assert {r["milestone"]: r["id"] for r in ids}["List Alpha on getmyboat"] == "M-056D916A"
    # alpha 3 milestones x 3 months + beta 1 x 2 + gamma 1 x 2 + the portfolio's 1 x 3
    assert rows(warehouse, "select count(*) as n from metrics.milestone_status") == [{"n": 16}]


# -- checks ------------------------------------------------------------------------------------

CMO_CHECKS = {
    "channel_matrix": ["grain", "every_channel_every_month", "reconciles_channels"],
    "ota_sequence": ["grain", "not_listed", "ranks_run_from_one"],
    "milestone_status": ["grain", "known_status"],
}


def test_checks_exist_and_pass_on_the_fixture(warehouse):
    assert {name: relation_named(name).checks for name in CMO_CHECKS} == CMO_CHECKS
    for name, checks in CMO_CHECKS.items():
        for check in checks:
            assert run_check(warehouse, relation_named(name), check)[0] == 0, (name, check)


BREAKAGES = [
    (
        "channel_matrix",
        "grain",
        "insert into metrics.channel_matrix select * from metrics.channel_matrix "
        "where month = date '2026-01-01' and channel = 'ads'",
    ),
    (
        "channel_matrix",
        "every_channel_every_month",
        "delete from metrics.channel_matrix where month = date '2026-03-01' and channel = 'web'",
    ),
    (
        "channel_matrix",
        "reconciles_channels",
        "update metrics.channel_matrix set bookings = bookings + 1 "
        "where month = date '2026-02-01' and channel = 'web'",
    ),
    (
        "ota_sequence",
        "grain",
        "insert into metrics.ota_sequence select * from metrics.ota_sequence "
        "where entity_id = 'beta' and month = date '2026-02-01'",
    ),
    (
        "ota_sequence",
        "ranks_run_from_one",
        "update metrics.ota_sequence set ota_rank = 4 "
        "where entity_id = 'alpha' and month = date '2026-03-01' and ota = 'klook'",
    ),
    (
        "ota_sequence",
        "not_listed",
        "insert into metrics.ota_sequence select * replace ('getmyboat' as ota, 3 as ota_rank) "
        "from metrics.ota_sequence "
        "where entity_id = 'alpha' and month = date '2026-02-01' and ota = 'klook'",
    ),
    (
        "milestone_status",
        "grain",
        "insert into metrics.milestone_status select * from metrics.milestone_status "
        "where milestone = 'List Gamma on viator' and month = date '2026-02-01'",
    ),
    (
        "milestone_status",
        "known_status",
        "update metrics.milestone_status set milestone_status = 'overdue' "
        "where milestone = 'List Gamma on viator' and month = date '2026-03-01'",
    ),
]


@pytest.mark.parametrize(("relation", "check", "breakage"), BREAKAGES)
def test_check_catches_a_broken_table(warehouse, relation, check, breakage):
    assert run_check(warehouse, relation_named(relation), check)[0] == 0
    # broken inside a transaction that is rolled back, so the shared warehouse stays whole
    warehouse.execute("begin transaction")
    try:
        warehouse.execute(breakage)
        count, sample = run_check(warehouse, relation_named(relation), check)
    finally:
        warehouse.execute("rollback")
    assert count == 1
    assert len(sample) == 1
    assert run_check(warehouse, relation_named(relation), check)[0] == 0


# -- the builder ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def march(warehouse, fixture_path):
    return build_report(warehouse, fixture_path, "cmo", "2026-03")


def test_headlines(march):
    model, _ = march
    assert [(h.label, h.value, h.previous, h.target) for h in model.headlines] == [
        # March: only ads is listed; February: ads, web, getmyboat
        ("Channels listed", 1, 3, None),
        # March: ads 2; February: 0 + 1 + 3
        ("Bookings from channels", 2, 4, None),
        # paid channels only. March: 0.05 / 2 = 0.03; February: (200.00 + 30.00) / (0 + 3) =
        # 76.666... -> 76.67
        ("Cost per paid booking", D("0.03"), D("76.67"), None),
        # March: (0.10 - 0.05) / 0.05 = 1; February: (400.00 - 230.00) / 230.00 = 0.739130...
        ("Return on paid spend", D("1.000"), D("0.739"), None),
        # March: List Alpha on getmyboat; February: none
        ("Milestones overdue", 1, 0, 0),
    ]
    assert model.headlines[-1].good is False


def test_verdicts(march):
    model, _ = march
    assert model.verdicts == [
        "Alpha Charters: listed on 1 of 3 channels; 2 bookings and $0.10 channel revenue for "
        "$0.05 spend; ads sold the most ($0.10); list next on getmyboat.",
        "Beta Hauling: no channels.csv, so where customers find it is not known; first OTA to "
        "list on: angi.",
        "Gamma Sails: no channels.csv, so where customers find it is not known; first OTA to "
        "list on: getmyboat.",
    ]


def test_sections(march):
    model, rendered = march
    sections = {s.key: s for s in model.sections}
    assert list(sections) == ["channels", "ota_sequence", "milestones"]
    channels = sections["channels"]
    assert channels.empty is None
    assert [c.name for c in channels.charts] == ["return_on_spend", "channel_history"]
    assert all(c.png.startswith(b"\x89PNG") and c.alt for c in channels.charts)
    assert [t.title for t in channels.tables] == [
        "Per entity, by revenue",
        "Alpha Charters: channels by revenue",
    ]
    summary = channels.tables[0]
    assert summary.attachment == "channels_by_entity.csv"
    assert [(r["name"], r["listed_channels"], r["not_listed_on"]) for r in summary.rows] == [
        ("Alpha Charters", 1, "getmyboat, web")
    ]
    assert summary.total["name"] == "Portfolio"
    assert summary.total["channel_revenue"] == D("0.10")
    # beside what the channels report selling, the entity's revenue on its basis (metrics.revenue):
    # Alpha is on the default cash basis and no revenue line of its ledger is dated in March
    assert [(r["revenue"], r["basis"]) for r in summary.rows] == [(D("0.00"), "cash")]
    assert [c.label for c in summary.columns if c.key in ("channel_revenue", "revenue")] == [
        "Channel revenue",
        "Entity revenue",
    ]
    assert any(
        "Entity revenue is the business's revenue on its basis" in line for line in channels.lines
    )
    # by revenue: ads 0.10, then the zero rows by name
    assert [r["channel"] for r in channels.tables[1].rows] == ["ads", "getmyboat", "web"]
    assert "No channels.csv for Beta Hauling, Gamma Sails" in " ".join(channels.lines)
    ota = sections["ota_sequence"]
    assert [t.title for t in ota.tables] == [
        "Alpha Charters: OTAs to add, in order",
        "Beta Hauling: OTAs to add, in order",
        "Gamma Sails: OTAs to add, in order",
    ]
    plan = sections["milestones"]
    # done: the brochure (marked) and beta opex (400.00 <= 500)
    assert plan.lines[0].startswith("2 of 6 milestones done, 1 overdue, 2 due in the next 30 days.")
    table = plan.tables[0]
    assert table.attachment == "milestones.csv"
    # overdue, due in 30 days (by due date), later, then done (by due date); the entity (or the
    # portfolio) is named unless the title names it
    assert [(r["milestone_status"], r["milestone"]) for r in table.rows] == [
        ("overdue", "List Alpha on getmyboat (Alpha Charters)"),
        ("due in 30 days", "List Gamma on viator (Gamma Sails)"),
        ("due in 30 days", "Alpha revenue of 1000 (Alpha Charters)"),
        ("later", "Alpha runway of 6 months (Alpha Charters)"),
        ("done", "Portfolio brochure"),
        ("done", "Beta opex under 500 (Beta Hauling)"),
    ]
    progress = {r["milestone_id"]: r["progress"] for r in table.rows}
    ids = {r["milestone"].split(" (")[0]: r["milestone_id"] for r in table.rows}
    assert progress[ids["Alpha revenue of 1000"]] == "Revenue $0.00 of $1,000.00 target"
    assert progress[ids["Beta opex under 500"]] == "Operating expenses $400.00 of $500.00 target"
    assert (
        progress[ids["Alpha runway of 6 months"]]
        == "Runway on operating burn 0.8 mo of 6.0 mo target"
    )
    assert progress[ids["List Gamma on viator"]] == "not listed on viator"
    assert progress[ids["Portfolio brochure"]] == "marked done in reporting.yaml"
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert "None" not in text and "nan" not in text


def test_json_matches_the_metric_store(warehouse, march):
    _, rendered = march
    report_json = json.loads(rendered.json)
    sections = {s["key"]: s for s in report_json["sections"]}
    store = {
        r["channel"]: r
        for r in rows(
            warehouse,
            "select * from metrics.channel_matrix where entity_id = 'alpha' and month = $m",
            {"m": MAR},
        )
    }
    shown = sections["channels"]["tables"][1]["rows"]
    assert len(shown) == len(store)
    for row in shown:
        metric = store[row["channel"]]
        assert row["listed"] == ("yes" if metric["listed"] else "no")
        for key in ("spend", "channel_revenue", "cost_per_booking"):
            expected = None if metric[key] is None else float(metric[key])
            assert row[key] == expected, key
        for key in ("leads", "bookings"):
            assert row[key] == metric[key], key
        if metric["return_on_spend"] is None:
            assert row["return_on_spend"] is None
        else:
            assert row["return_on_spend"] == pytest.approx(metric["return_on_spend"], abs=5e-4)
    sequence_rows = rows(
        warehouse,
        "select entity_id, ota_rank, ota, audience, net_audience, commission, ota_reason "
        "from metrics.ota_sequence where month = $m order by entity_id, ota_rank",
        {"m": MAR},
    )
    shown = [r for t in sections["ota_sequence"]["tables"] for r in t["rows"]]
    assert [
        (r["ota_rank"], r["ota"], r["audience"], r["net_audience"], r["ota_reason"]) for r in shown
    ] == [
        (r["ota_rank"], r["ota"], r["audience"], r["net_audience"], r["ota_reason"])
        for r in sequence_rows
    ]
    assert [r["commission"] for r in shown] == [
        pytest.approx(r["commission"]) for r in sequence_rows
    ]
    status = {
        r["milestone_id"]: (r["milestone_status"], r["milestone_due"].isoformat())
        for r in rows(
            warehouse, "select * from metrics.milestone_status where month = $m", {"m": MAR}
        )
    }
    assert {
        r["milestone_id"]: (r["milestone_status"], r["milestone_due"])
        for r in sections["milestones"]["tables"][0]["rows"]
    } == status


# -- no data -------------------------------------------------------------------------------------


def test_ledger_only_portfolio_builds_with_no_data_sections(portfolio):
    config_path = portfolio(
        {
            "solo/ledger.csv": """\
            txn_id,date,account_code,amount,description,counterparty
            S1,2026-03-02,4000,100.00,Sale,Client
            """
        }
    )
    conn = load_warehouse(config_path)
    model, rendered = build_report(conn, config_path, "cmo", "2026-03")
    assert {s.key: s.empty for s in model.sections} == {
        "channels": "No channels.csv for any entity: add data/<entity>/channels.csv (see "
        "docs/data-contract.md).",
        "ota_sequence": "No OTAs configured: add cmo.otas (name, commission, audience, kinds) to "
        "reporting.yaml.",
        "milestones": "No milestones configured: add cmo.milestones (title, entity, due, owner, "
        "and channel_listed or metric and target) to reporting.yaml.",
    }
    assert model.verdicts == ["Solo: no channels.csv, so where customers find it is not known."]
    assert [h.value for h in model.headlines] == [None, None, None, None]
    assert model.data.missing_files == ["solo/channels.csv"]
    for text in (rendered.html, rendered.text, rendered.markdown, rendered.json):
        assert "None" not in text and "nan" not in text


# -- the demo portfolio --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_warehouse):
    config_path, conn = demo_warehouse
    return conn, config_path


def test_demo_report_has_every_section_filled(demo):
    conn, config_path = demo
    model, rendered = build_report(conn, config_path, "cmo", "2026-10")
    assert all(s.empty is None and (s.tables or s.lines) for s in model.sections)
    assert len(model.headlines) == 5
    assert len(model.verdicts) == len(yaml.safe_load(config_path.read_text())["entities"])
    statuses = {r["milestone_status"] for r in model.sections[2].tables[0].rows}
    assert {"done", "overdue"} <= statuses
    assert len(model.charts) == 2
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert "None" not in text and "nan" not in text
