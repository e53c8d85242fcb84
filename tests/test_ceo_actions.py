"""The CEO's action plan acts on specifics: every action names the channel, account, client,
invoice or component it is about; findings with one cause are one action and no receivable is
counted twice; high findings customers see reach the plan; the report lists what was done since
last month. On a small portfolio worked out by hand and on the demo's October 2026."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from conftest import build_report, load_warehouse, rows

from exec_reporting.reports import ceo
from exec_reporting.sqlfiles import query

MAR = date(2026, 3, 1)
OCT = date(2026, 10, 1)


def D(value: str) -> Decimal:
    return Decimal(value)


# acme (cash basis, opening cash 1,000.00), Chart of tests/conftest.py: 4000 sales, 6000 rent
# and 6100 software (fixed expenses).
#   Jan: +1,000.00 - 500.00 = cash 1,500.00; Feb: +1,000.00 - 500.00 = 2,000.00;
#   Mar: revenue 1,200.00, rent 700.00, software 300.00: cash 2,200.00, 2,800.00 short of 5,000.00;
#        revenue 800.00 short of its 2,000.00 target.
ACME_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
J1,2026-01-10,4000,1000.00,Sales,Client
J2,2026-01-15,6000,-500.00,Rent,Landlord
F1,2026-02-10,4000,1000.00,Sales,Client
F2,2026-02-15,6000,-500.00,Rent,Landlord
M1,2026-03-05,4000,1200.00,Sales,Client
M2,2026-03-10,6000,-700.00,Rent,Landlord
M3,2026-03-12,6100,-300.00,Software,Vendor
"""

# At March's end (days past due to 2026-03-31):
#   I-1 Globex 600.00, due 2025-11-30: 121 days (critical)
#   I-2 Globex 400.00, due 2025-12-20: 101 days (critical)
#   I-3 Globex 250.00, due 2026-03-15: 16 days (low: no action, but owed)
#   I-4 Initech 900.00, 300.00 paid: 600.00 open, due 2025-12-15: 106 days (critical)
#   I-5 Umbrella 1,000.00, due 2026-04-20: not yet due
#   I-6 Hooli 700.00, due 2026-01-20, paid 2026-03-03: overdue at February's end, resolved in March
# Open receivables: 600 + 400 + 250 + 600 + 1000 = 2,850.00.
ACME_INVOICES = """\
invoice_id,client,issued_on,due_on,amount,paid_on,paid_amount,hours
I-1,Globex,2025-11-01,2025-11-30,600.00,,,
I-2,Globex,2025-12-01,2025-12-20,400.00,,,
I-3,Globex,2026-03-01,2026-03-15,250.00,,,
I-4,Initech,2025-11-15,2025-12-15,900.00,2026-02-01,300.00,
I-5,Umbrella,2026-03-20,2026-04-20,1000.00,,,
I-6,Hooli,2026-01-05,2026-01-20,700.00,2026-03-03,700.00,
"""

# Paid channels in March: yelp 100.00 for 4 bookings (25.00 each), google_ads 300.00 for 3
# (100.00 each); direct is free (not a paid channel, so never "the lowest cost per booking").
ACME_CHANNELS = """\
month,channel,listed,spend,leads,bookings,revenue
2026-03,direct,yes,0.00,9,5,500.00
2026-03,google_ads,yes,300.00,20,3,400.00
2026-03,yelp,yes,100.00,12,4,300.00
"""

# booking-site (a website) and staff-portal (category internal) both have expired certificates
# at March's end: the first faces customers, the second only staff.
ACME_STACK = """\
component,provider,category,monthly_cost,mfa,backups,tls_expires_on,last_deploy_on,dependencies_updated_on,ci,monitoring
booking-site,Netlify,website,0.00,yes,yes,2026-03-20,2026-03-01,2026-03-01,yes,yes
staff-portal,Render,internal,0.00,yes,yes,2026-03-25,2026-03-01,2026-03-01,yes,yes
"""

# beta (opening cash 0): March revenue 200.00, cash 200.00, 100.00 short of 300.00; Globex (a
# client of its own, not acme's) owes 500.00 since 2025-12-01: 120 days, more than the gap.
BETA_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
B1,2026-03-10,4000,200.00,Sales,Client
"""
BETA_INVOICES = """\
invoice_id,client,issued_on,due_on,amount,paid_on,paid_amount,hours
B-1,Globex,2025-11-15,2025-12-01,500.00,,,
"""

ENTITIES = [
    {
        "id": "acme",
        "name": "Acme Studio",
        "kind": "agency",
        "opening_cash": "1000.00",
        "kpis": [
            {"metric": "revenue", "target": "2000", "better": "higher"},
            {"metric": "cash_end", "target": "5000", "better": "higher"},
        ],
    },
    {
        "id": "beta",
        "name": "Beta Design",
        "kind": "agency",
        "kpis": [{"metric": "cash_end", "target": "300", "better": "higher"}],
    },
]

FILES = {
    "acme/ledger.csv": ACME_LEDGER,
    "acme/invoices.csv": ACME_INVOICES,
    "acme/channels.csv": ACME_CHANNELS,
    "acme/stack.csv": ACME_STACK,
    "beta/ledger.csv": BETA_LEDGER,
    "beta/invoices.csv": BETA_INVOICES,
}


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    from conftest import write_portfolio

    config_path = write_portfolio(tmp_path_factory.mktemp("actions"), FILES, entities=ENTITIES)
    conn = load_warehouse(config_path)
    yield config_path, conn
    conn.close()


def plan(conn, month: date) -> list[dict]:
    return [
        r
        for r in query(conn, "reports/ceo_actions", month=month, money_kpis=ceo.money_kpis())
        if r["rank"] is not None
    ]


def section(model, key: str):
    return next(s for s in model.sections if s.key == key)


def assert_no_receivable_counted_twice(conn, actions: list[dict], month: date) -> None:
    """The plan's impacts per entity against its open receivables: an invoice is in one action
    at most, a Collect action is worth exactly the open balances of its invoices, an entity's
    collections are at most what it is owed, and its cash action counts only the part of the
    cash gap that its collections leave."""
    counted = [(a["entity_id"], i) for a in actions for i in a["invoice_ids"]]
    assert len(counted) == len(set(counted)), counted
    balances = {
        (r["entity_id"], r["invoice_id"]): r["open_balance"]
        for r in rows(
            conn,
            "select entity_id, invoice_id, open_balance from metrics.receivables_invoices "
            "where month = $month",
            {"month": month},
        )
    }
    receivables = {
        r["entity_id"]: r["receivables"]
        for r in rows(
            conn,
            "select entity_id, receivables from metrics.receivables_monthly where month = $month",
            {"month": month},
        )
    }
    for entity in {a["entity_id"] for a in actions}:
        mine = [a for a in actions if a["entity_id"] == entity]
        collections = [a for a in mine if a["invoice_ids"]]
        for action in collections:
            assert action["impact"] == sum(balances[(entity, i)] for i in action["invoice_ids"])
        collected = sum((a["impact"] for a in collections), Decimal(0))
        assert collected <= receivables.get(entity, Decimal(0))
        for cash in (a for a in mine if a["kind"] == "kpi" and a["metric"] == "cash_end"):
            gap = round(-cash["gap"], 2)
            assert cash["impact"] == max(gap - collected, Decimal(0)), (entity, gap, collected)
            # so the plan asks for the cash gap once: the collections and the rest
            assert cash["impact"] + collected == max(gap, collected)


# -- a portfolio worked out by hand ----------------------------------------------------------------


def test_one_action_per_client_and_cash_counted_once(hand):
    _config, conn = hand
    actions = plan(conn, MAR)
    got = {
        (a["entity_id"], a["metric"] or a["client"] or a["component"]): (
            a["impact"],
            a["invoice_ids"],
        )
        for a in actions
    }
    assert got == {
        # revenue 1,200.00 against 2,000.00
        ("acme", "revenue"): (D("800.00"), []),
        # cash 2,800.00 short; the Collect actions bring 1,000.00 + 600.00: 1,200.00 left
        ("acme", "cash_end"): (D("1200.00"), []),
        # Globex's two invoices over 90 days, oldest first (I-3, 16 days, is not an action)
        ("acme", "Globex"): (D("1000.00"), ["I-1", "I-2"]),
        ("acme", "Initech"): (D("600.00"), ["I-4"]),
        # the website's expired certificate, not the staff portal's
        ("acme", "booking-site"): (None, []),
        # beta's collection (500.00) is more than its 100.00 gap: the cash action adds nothing
        ("beta", "cash_end"): (D("0.00"), []),
        ("beta", "Globex"): (D("500.00"), ["B-1"]),
    }
    assert_no_receivable_counted_twice(conn, actions, MAR)
    # the client's action keeps its id from the client, whatever invoices it holds
    globex = next(a for a in actions if a["client"] == "Globex" and a["entity_id"] == "acme")
    assert globex["findings"] == 2 and globex["days_past_due"] == 121


def test_the_old_double_count_is_caught(hand):
    """The check above fails on a plan that counts the collected money in the cash action too
    (as the plan did before decision 42)."""
    _config, conn = hand
    actions = plan(conn, MAR)
    doubled = [
        dict(a, impact=round(-a["gap"], 2)) if a["metric"] == "cash_end" else a for a in actions
    ]
    with pytest.raises(AssertionError):
        assert_no_receivable_counted_twice(conn, doubled, MAR)


def test_actions_name_what_they_are_about(hand):
    config, conn = hand
    model, rendered = build_report(conn, config, "ceo", "2026-03")
    texts = {
        (r["name"], r["metric"] or r["client"] or r["component"]): r["action_text"]
        for r in section(model, "actions").tables[0].rows
    }
    assert texts[("Acme Studio", "revenue")] == (
        "Find $800.00 more revenue a month at Acme Studio: push yelp (the lowest cost per "
        "booking: $25.00) and follow up open quotes."
    )
    assert texts[("Acme Studio", "cash_end")] == (
        "Raise Acme Studio's cash by $2,800.00 to $5,000.00: the Collect actions for Globex and "
        "Initech bring $1,600.00; for the other $1,200.00, collect the $250.00 past due that "
        "Globex owes besides (I-3), defer what can wait (the largest cost is 6000 Rent, $700.00 "
        "in March 2026), or decide on an owner top-up."
    )
    assert texts[("Acme Studio", "Globex")] == (
        "Collect $1,000.00 from Globex for Acme Studio: I-1 and I-2, up to 121 days past due."
    )
    assert texts[("Acme Studio", "booking-site")].startswith(
        "Fix what customers see at Acme Studio ("
    )
    assert "TLS certificate expired: booking-site" in texts[("Acme Studio", "booking-site")]
    assert texts[("Beta Design", "cash_end")].startswith(
        "Raise Beta Design's cash by $100.00 to $300.00: the Collect action for Globex brings "
        "$500.00, enough on its own; else collect what is owed"
    )
    assert "staff-portal" not in rendered.text


def test_done_since_last_month(hand):
    config, conn = hand
    model, _rendered = build_report(conn, config, "ceo", "2026-03")
    done = section(model, "done")
    # Hooli paid I-6 on 2026-03-03: overdue at February's end, resolved in March. No KPI missed
    # in February is met in March.
    assert [(r["name"], r["done_text"], r["done_amount"]) for r in done.tables[0].rows] == [
        (
            "Acme Studio",
            "Resolved: Overdue invoice I-6: Hooli.",
            D("700.00"),
        )
    ]
    # February: nothing was resolved in it, and January's missed KPIs are still missed
    february, _ = build_report(conn, config, "ceo", "2026-02")
    assert section(february, "done").empty == (
        "Nothing done since January 2026: no finding was resolved in February 2026 and no KPI "
        "missed in January 2026 met its target."
    )


def test_customer_facing_rule_key(tmp_path):
    from exec_reporting.action_rules import load_action_rules
    from exec_reporting.config import ConfigError

    path = tmp_path / "actions.yaml"
    path.write_text(
        "rules:\n  - match: {kind: kpi, faces_customers: true}\n"
        "    action: 'x'\n    owner: ceo\n    due_days: 3\n    impact: none\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"rule 1 .*faces_customers: only for kind finding"):
        load_action_rules(path)
    path.write_text(
        "rules:\n  - match: {kind: finding, faces_customers: true}\n"
        "    action: 'Fix {component} for {client}: {invoices}, {days_past_due}'\n"
        "    owner: cto\n    due_days: 3\n    impact: none\n",
        encoding="utf-8",
    )
    assert load_action_rules(path)[0].match.faces_customers is True


# -- the demo's October 2026 -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def october(demo_warehouse):
    config, conn = demo_warehouse
    model, rendered = build_report(conn, config, "ceo", "2026-10")
    return conn, model, rendered


def subjects(conn, month: date) -> set[str]:
    """Every paid channel, client, invoice, stack component and account the metric store knows
    for the month (free channels are left out: "direct" or "website" are words of any text)."""
    found = rows(
        conn,
        """
        select channel as subject from metrics.channel_matrix where month = $month and spend > 0
        union select client from metrics.receivables_invoices where month = $month
        union select invoice_id from metrics.receivables_invoices where month = $month
        union select component from metrics.stack_health where month = $month
        union select account_code || ' ' || account_name from metrics.account_months
            where month = $month and account_name is not null
        """,
        {"month": month},
    )
    return {r["subject"] for r in found}


def test_demo_every_action_names_its_subject(october):
    conn, model, _rendered = october
    known = subjects(conn, OCT)
    actions = section(model, "actions").tables[0].rows
    assert actions
    for action in actions:
        named = {s for s in known if re.search(rf"\b{re.escape(s)}\b", action["action_text"])}
        assert named, action["action_text"]
    texts = [a["action_text"] for a in actions]
    # the CMO's matrix knows Quick Dump Now's cheapest paid channel
    revenue = next(t for t in texts if t.startswith("Find") and "Quick Dump Now" in t)
    assert "yelp (the lowest cost per booking: $32.14)" in revenue
    assert not any("push the channel with the lowest cost per booking" in t for t in texts)


def test_demo_globex_is_collected_once(october):
    conn, model, _rendered = october
    actions = plan(conn, OCT)
    assert_no_receivable_counted_twice(conn, actions, OCT)
    collect = [a for a in actions if a["client"] == "Globex Example Media"]
    assert len(collect) == 1
    # the three invoices over 90 days: 2,950.00 + 5,900.00 + 5,900.00
    assert collect[0]["invoice_ids"] == ["DC-2026-019", "DC-2026-024", "DC-2026-028"]
    assert collect[0]["impact"] == D("14750.00")
    cash = next(
        a for a in actions if a["entity_id"] == "dangerous_centaur" and a["metric"] == "cash_end"
    )
    # $29,553.99 short of the $60,000.00 target, less what the collection brings
    assert cash["impact"] == D("29553.99") - D("14750.00")
    rendered_rows = {r["action_id"]: r for r in section(model, "actions").tables[0].rows}
    text = rendered_rows[cash["action_id"]]["action_text"]
    assert "the Collect action for Globex Example Media brings $14,750.00" in text
    assert "Northwind Example Outfitters" in text and "DC-2026-045" in text


def test_demo_customer_facing_certificates_reach_the_ceo(october):
    _conn, model, rendered = october
    actions = section(model, "actions").tables[0].rows
    queen = [a for a in actions if "TLS certificate expired: queen-website" in a["action_text"]]
    assert len(queen) == 1 and queen[0]["owner_label"] == "CTO"
    assert "queen-website" in rendered.text
    # JADA's website certificate expires 18 days after October's end: customers will see it
    assert any("jada-website" in a["action_text"] for a in actions)


def test_demo_lists_what_was_done_since_september(october):
    _conn, model, rendered = october
    done = section(model, "done")
    got = [(r["name"], r["done_text"], r["done_amount"]) for r in done.tables[0].rows]
    assert got == [
        # DC-2026-040 was overdue at September's end and paid in October
        (
            "Dangerous Centaur",
            "Resolved: Overdue invoice DC-2026-040: Northwind Example Outfitters.",
            D("8200.00"),
        ),
        (
            "Queen of San Diego",
            "Gross burn back on target: $20,290.83 against $30,000.00, from $35,909.65 in "
            "September 2026.",
            D("5909.65"),
        ),
        (
            "Expert Yacht Delivery",
            "Gross margin back on target: 33.7% against 30.0%, from -86.9% in September 2026.",
            "–",
        ),
    ]
    assert done.tables[0].rows[0]["item"] == "F-E07947E9"
    # every word of it in the plain text too, none cut short
    text = " ".join(rendered.text.split())
    assert "DONE SINCE LAST MONTH" in text
    for row in done.tables[0].rows:
        assert row["done_text"].rstrip(".") in text
