"""The CEO report: its relations (metrics.asset_inventory, metrics.shortfall_by_entity) on a
small portfolio whose figures were worked out by hand, the action plan's rules and matching, the
builder, the report's JSON against the metric store, a bare portfolio and the demo portfolio."""

from __future__ import annotations

import json
import re
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import build_report, load_warehouse, rows, write_portfolio

from exec_reporting.action_rules import load_action_rules, rule_rows
from exec_reporting.config import ConfigError, load_config
from exec_reporting.metrics import relation as relation_named
from exec_reporting.metrics import run_check
from exec_reporting.reports import ceo
from exec_reporting.settings import write_config_tables
from exec_reporting.sqlfiles import query

REPO = Path(__file__).resolve().parent.parent
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def D(value: str) -> Decimal:
    return Decimal(value)


# Chart (tests/conftest.py DEFAULT_CHART): 3000 owner contributions (equity), 4000 sales
# (revenue), 5000 fuel (cogs), 6000 rent (expense).
#
# alpha: opening cash 1,000.00; January to March 2026.
#   Jan: revenue 2,000.00; cogs 500.00; opex 1,000.00; gross margin (2000-500)/2000 = 0.75;
#        cash 1000 + 2000 - 500 - 1000 = 1,500.00
#   Feb: revenue 4,000.00; cogs 2,500.00; opex 1,000.00; gross margin 1500/4000 = 0.375;
#        cash 1500 + 4000 - 2500 - 1000 = 2,000.00
#   Mar: revenue 3,000.00; cogs 600.00; opex 1,000.00; gross margin 2400/3000 = 0.8;
#        cash 2000 + 3000 - 600 - 1000 + 4000 (owner) = 7,400.00
ALPHA_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
T1,2026-01-05,4000,2000.00,Charter,Client A
T2,2026-01-12,5000,-500.00,Fuel,Acme Fuel
T3,2026-01-15,6000,-1000.00,Rent,Landlord
T4,2026-02-03,4000,4000.00,Charter,Client B
T5,2026-02-10,5000,-2500.00,Fuel,Acme Fuel
T6,2026-02-16,6000,-1000.00,Rent,Landlord
T7,2026-03-02,4000,3000.00,Charter,Client A
T8,2026-03-05,5000,-600.00,Fuel,Acme Fuel
T9,2026-03-16,6000,-1000.00,Rent,Landlord
T10,2026-03-31,3000,4000.00,Owner contribution,Owner
"""

# A1 and A3 held all along (A3 sold), A2 acquired on February's last day without a book value,
# A4 without an acquisition date (counts in every month), A5 acquired on March 1st, A6 retired
# without a book value (its group's book value is empty). Status is lower-cased; empty = active.
ALPHA_ASSETS = """\
asset_id,name,category,acquired_on,cost,book_value,status
A1,Boat,vessel,2025-06-01,10000.00,8000.00,
A2,Outboard,equipment,2026-02-28,1500.00,,Active
A3,Old trailer,equipment,2020-01-01,700.00,0.00,sold
A4,Radio,equipment,,300.00,250.00,active
A5,Dinghy,vessel,2026-03-01,2000.00,1900.00,active
A6,Winch,equipment,2026-01-10,400.00,,retired
"""

# beta: no KPIs, no assets; February and March. Feb revenue 500.00, cash 500.00; Mar revenue
# 0.00, opex 200.00, cash 300.00.
BETA_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
B1,2026-02-10,4000,500.00,Charter,Client Z
B2,2026-03-10,6000,-200.00,Rent,Landlord
"""

# gamma: revenue and cash targets, data in January only (revenue 800.00, cash 800.00).
GAMMA_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
G1,2026-01-20,4000,800.00,Charter,Client Y
"""

ENTITIES = [
    {
        "id": "alpha",
        "name": "Alpha Charters",
        "kind": "charter",
        "opening_cash": "1000.00",
        "kpis": [
            {"metric": "revenue", "target": "3000", "better": "higher"},
            {"metric": "cash_end", "target": "5000", "better": "higher"},
            {"metric": "gross_margin_pct", "target": "0.5", "better": "higher"},
            {"metric": "opex", "target": "900", "better": "lower"},
        ],
    },
    {"id": "beta", "name": "Beta Hauling", "kind": "hauling"},
    {
        "id": "gamma",
        "name": "Gamma Rentals",
        "kind": "rental",
        "kpis": [
            {"metric": "revenue", "target": "1000", "better": "higher"},
            {"metric": "cash_end", "target": "100", "better": "higher"},
        ],
    },
]

FILES = {
    "alpha/ledger.csv": ALPHA_LEDGER,
    "alpha/assets.csv": ALPHA_ASSETS,
    "beta/ledger.csv": BETA_LEDGER,
    "gamma/ledger.csv": GAMMA_LEDGER,
}

# Findings of other reports (stack, invoices, revenue recognition), as metrics.finding_status
# would hold them in March: the action plan must work whatever sources exist.
FINDINGS = [
    # month, entity, finding_id, source, rule, severity, title, detail, amount, status
    (MAR, "alpha", "F-STACK001", "stack", "mfa_off", "critical", "MFA off: booking-app",
     "booking-app lets people sign in without multi-factor authentication", None, "new"),
    (MAR, "alpha", "F-INV00001", "invoice", "overdue_90", "critical", "Overdue invoice I-7",
     "1,234.56 open, 95 days past due.", D("1234.56"), "still open"),
    (MAR, "beta", "F-OTHER001", "revenue_recognition", "kept_prepayment", "critical",
     "Prepayment kept", "K9 cancelled, 250.00 not refunded", D("250.00"), "new"),
    (MAR, "alpha", "F-LOW00001", "stack", "no_ci", "high", "No CI: website",
     "website has no continuous integration", None, "new"),
    (MAR, "alpha", "F-RESOLVD1", "stack", "mfa_off", "critical", "MFA off: email",
     "email lets people sign in without multi-factor authentication", None, "resolved"),
]  # fmt: skip


@pytest.fixture(scope="module")
def config_path(tmp_path_factory):
    return write_portfolio(tmp_path_factory.mktemp("ceo"), FILES, entities=ENTITIES)


@pytest.fixture(scope="module")
def warehouse(config_path):
    conn = load_warehouse(config_path)
    table = conn.table("metrics.finding_status")
    for finding in FINDINGS:
        table.insert(finding)
    yield conn
    conn.close()


def assert_no_none(rendered) -> None:
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert not re.search(r"\b(None|nan|NaN)\b", text)


def test_fixture_loaded_without_quarantine(warehouse):
    assert rows(warehouse, "select count(*) as n from quarantine.rows") == [{"n": 0}]


# -- metrics.asset_inventory -----------------------------------------------------------------------


def inventory(conn, month: date) -> dict[tuple[str, str], tuple]:
    found = rows(
        conn,
        "select * from metrics.asset_inventory where entity_id = 'alpha' and month = $m",
        {"m": month},
    )
    return {
        (r["asset_category"], r["asset_status"]): (
            r["asset_count"],
            r["asset_cost"],
            r["asset_book_value"],
            r["asset_unvalued_count"],
        )
        for r in found
    }


def test_asset_inventory_january(warehouse):
    # A1; A3 (sold); A4 (no date: every month); A6 acquired 2026-01-10 (retired, no book value).
    # A2 (Feb 28) and A5 (Mar 1) are not held yet.
    assert inventory(warehouse, JAN) == {
        ("vessel", "active"): (1, D("10000.00"), D("8000.00"), 0),
        ("equipment", "active"): (1, D("300.00"), D("250.00"), 0),
        ("equipment", "sold"): (1, D("700.00"), D("0.00"), 0),
        ("equipment", "retired"): (1, D("400.00"), None, 1),
    }


def test_asset_inventory_counts_an_asset_from_the_last_day_of_its_month(warehouse):
    # A2 acquired on 2026-02-28, February's last day: held at February's end. Its empty book
    # value is left out of the sum (250.00 = A4 alone) and counted as unvalued.
    # Equipment active: 1500 + 300 = 1,800.00.
    assert inventory(warehouse, FEB)[("equipment", "active")] == (2, D("1800.00"), D("250.00"), 1)
    assert inventory(warehouse, FEB)[("vessel", "active")] == (1, D("10000.00"), D("8000.00"), 0)


def test_asset_inventory_march(warehouse):
    # A5 acquired 2026-03-01 joins the vessels: 10000 + 2000 = 12,000.00; 8000 + 1900 = 9,900.00.
    assert inventory(warehouse, MAR) == {
        ("vessel", "active"): (2, D("12000.00"), D("9900.00"), 0),
        ("equipment", "active"): (2, D("1800.00"), D("250.00"), 1),
        ("equipment", "sold"): (1, D("700.00"), D("0.00"), 0),
        ("equipment", "retired"): (1, D("400.00"), None, 1),
    }


def test_asset_inventory_has_no_rows_without_an_assets_file(warehouse):
    assert rows(
        warehouse,
        "select count(*) as n from metrics.asset_inventory where entity_id <> 'alpha'",
    ) == [{"n": 0}]


def test_asset_inventory_types(warehouse):
    types = {
        r["column_name"]: r["data_type"]
        for r in rows(
            warehouse,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'metrics' and table_name = 'asset_inventory'",
        )
    }
    assert types["asset_cost"] == types["asset_book_value"] == "DECIMAL(18,2)"


# -- metrics.shortfall_by_entity -------------------------------------------------------------------


def shortfall(conn, entity_id: str) -> dict[date, tuple]:
    return {
        r["month"]: (
            r["revenue"],
            r["revenue_target"],
            r["revenue_shortfall"],
            r["cash_end"],
            r["cash_target"],
            r["cash_shortfall"],
        )
        for r in rows(
            conn,
            "select * from metrics.shortfall_by_entity where entity_id = $e order by month",
            {"e": entity_id},
        )
    }


def test_shortfall_against_targets(warehouse):
    assert shortfall(warehouse, "alpha") == {
        # 3000 - 2000 = 1,000.00 short; 5000 - 1500 = 3,500.00 short
        JAN: (D("2000.00"), D("3000.00"), D("1000.00"), D("1500.00"), D("5000.00"), D("3500.00")),
        # revenue 4000 above 3000: 0; cash 5000 - 2000 = 3,000.00 short
        FEB: (D("4000.00"), D("3000.00"), D("0.00"), D("2000.00"), D("5000.00"), D("3000.00")),
        # revenue exactly at its target: 0 short; cash 7400 above 5000: 0
        MAR: (D("3000.00"), D("3000.00"), D("0.00"), D("7400.00"), D("5000.00"), D("0.00")),
    }
    # gamma: 1000 - 800 = 200.00 short; cash 800 above 100
    assert shortfall(warehouse, "gamma") == {
        JAN: (D("800.00"), D("1000.00"), D("200.00"), D("800.00"), D("100.00"), D("0.00")),
    }


def test_shortfall_without_targets_is_empty_not_zero(warehouse):
    assert shortfall(warehouse, "beta") == {
        FEB: (D("500.00"), None, None, D("500.00"), None, None),
        MAR: (D("0.00"), None, None, D("300.00"), None, None),
    }


def test_portfolio_shortfall_adds_up_entities_with_a_target(warehouse):
    # January: alpha and gamma (beta starts in February), both with targets.
    # revenue 2000 + 800 = 2,800.00 against 3000 + 1000 = 4,000.00: 1,200.00 short;
    # cash 1500 + 800 = 2,300.00 against 5000 + 100 = 5,100.00: 2,800.00 short (gamma's cash
    # above its target offsets part of alpha's 3,500.00).
    jan = query(warehouse, "reports/ceo_portfolio", month=JAN)[0]
    assert (jan["revenue"], jan["revenue_target"], jan["revenue_shortfall"]) == (
        D("2800.00"),
        D("4000.00"),
        D("1200.00"),
    )
    assert (jan["cash_end"], jan["cash_target"], jan["cash_shortfall"]) == (
        D("2300.00"),
        D("5100.00"),
        D("2800.00"),
    )
    # March: alpha and beta (gamma's data ends in January); only alpha has targets.
    # revenue of all: 3000 + 0; cash of all: 7400 + 300 = 7,700.00
    mar = query(warehouse, "reports/ceo_portfolio", month=MAR)[0]
    assert mar["entities"] == 2
    assert (mar["revenue_all"], mar["revenue"], mar["revenue_target"]) == (
        D("3000.00"),
        D("3000.00"),
        D("3000.00"),
    )
    assert (mar["revenue_shortfall"], mar["revenue_entities"]) == (D("0.00"), 1)
    assert (mar["cash_all"], mar["cash_end"], mar["cash_shortfall"]) == (
        D("7700.00"),
        D("7400.00"),
        D("0.00"),
    )
    # KPIs in March: alpha's four, opex missed (1000 against 900); 3 critical findings open
    # (F-STACK001, F-INV00001, F-OTHER001; F-RESOLVD1 is resolved)
    assert (mar["kpis"], mar["kpis_met"], mar["kpis_missed"], mar["critical_findings"]) == (
        4,
        3,
        1,
        3,
    )


def test_portfolio_of_a_month_without_data(warehouse):
    empty = query(warehouse, "reports/ceo_portfolio", month=date(2025, 6, 1))[0]
    assert empty["entities"] == 0 and empty["revenue"] is None and empty["kpis"] == 0


# -- the KPI table ---------------------------------------------------------------------------------


def test_kpis_of_march(warehouse):
    found = query(warehouse, "reports/ceo_kpis", month=MAR)
    assert [(r["entity_id"], r["kpi"], r["met"]) for r in found] == [
        # missed first, then by entity and KPI; gamma has no March figures
        ("alpha", "opex", False),
        ("alpha", "cash_end", True),
        ("alpha", "gross_margin_pct", True),
        ("alpha", "revenue", True),
    ]
    by_kpi = {r["kpi"]: r for r in found}
    # opex missed in January, February and March: 3 months in a row since the series began
    assert by_kpi["opex"]["months_missed"] == 3
    assert by_kpi["opex"]["previous_actual"] == D("1000.0000")
    # gap as a share of the target: opex (900 - 1000) / 900 = -0.1111; cash 2400 / 5000 = 0.48;
    # margin (0.8 - 0.5) / 0.5 = 0.6; revenue exactly on target: 0
    assert round(by_kpi["opex"]["gap_share"], 4) == -0.1111
    assert by_kpi["cash_end"]["gap_share"] == pytest.approx(0.48)
    assert by_kpi["gross_margin_pct"]["gap_share"] == pytest.approx(0.6)
    assert by_kpi["revenue"]["gap_share"] == 0
    assert by_kpi["revenue"]["months_missed"] is None
    assert by_kpi["gross_margin_pct"]["previous_actual"] == D("0.3750")


def test_kpi_streak_restarts_after_a_met_month(warehouse):
    feb = {r["kpi"]: r["months_missed"] for r in query(warehouse, "reports/ceo_kpis", month=FEB)}
    # margin met in January (0.75), missed in February (0.375): 1; cash and opex missed in
    # January and February: 2; revenue met in February
    assert feb == {"gross_margin_pct": 1, "cash_end": 2, "opex": 2, "revenue": None}


# -- the action plan -------------------------------------------------------------------------------


def default_rules():
    return load_action_rules(REPO / "exec_reporting" / "rules" / "actions.yaml")


def plan(conn, month: date, rules) -> list[dict]:
    """The plan with these rules in config.action_rules (the module's rules are put back)."""
    default = conn.execute("select * from config.action_rules").fetchall()
    insert = "insert into config.action_rules values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    try:
        conn.execute("delete from config.action_rules")
        conn.executemany(insert, rule_rows(rules))
        return query(conn, "reports/ceo_actions", month=month, money_kpis=ceo.money_kpis())
    finally:
        conn.execute("delete from config.action_rules")
        conn.executemany(insert, default)


def test_default_rules_file_is_valid_and_covers_stack_and_invoice():
    rules = default_rules()
    matches = [r.match for r in rules]
    assert any(m.kind == "finding" and m.source == "stack" for m in matches)
    assert any(m.kind == "finding" and m.source == "invoice" for m in matches)
    # a default for any missed KPI and for any critical finding
    assert any(m.kind == "kpi" and m.metric is None and m.entity is None for m in matches)
    assert any(
        m.kind == "finding" and m.severity == "critical" and m.source is None for m in matches
    )
    assert all(1 <= r.due_days <= 30 for r in rules)


def test_action_plan_with_the_default_rules(warehouse):
    found = plan(warehouse, MAR, default_rules())
    got = [
        (r["rank"], r["entity_id"], r["metric"] or r["finding_id"], r["owner"], r["due_on"],
         r["impact"], r["status"])
        for r in found
    ]  # fmt: skip
    assert got == [
        # invoice rule: accounting, 7 days after 2026-03-31; impact = the finding's amount
        (1, "alpha", "F-INV00001", "accounting", date(2026, 4, 7), D("1234.56"), "still open"),
        # no rule for revenue_recognition: the default critical rule (ceo, 14 days)
        (2, "beta", "F-OTHER001", "ceo", date(2026, 4, 14), D("250.00"), "new"),
        # opex rule (accounting, 30 days): impact = the gap 1000 - 900 = 100.00; missed in
        # February too: still open
        (3, "alpha", "opex", "accounting", date(2026, 4, 30), D("100.00"), "still open"),
        # stack rule (cto, 7 days): no impact in money, so after those that have one
        (4, "alpha", "F-STACK001", "cto", date(2026, 4, 7), None, "new"),
    ]
    # the high finding has no rule (not an action); the resolved one is not open
    assert len({r["action_id"] for r in found}) == 4
    assert all(r["action_id"].startswith("A-") and len(r["action_id"]) == 10 for r in found)


def test_action_ids_are_stable_from_month_to_month(warehouse):
    rules = default_rules()
    feb = {r["metric"]: r for r in plan(warehouse, FEB, rules)}
    mar = {r["metric"]: r for r in plan(warehouse, MAR, rules) if r["kind"] == "kpi"}
    assert feb["opex"]["action_id"] == mar["opex"]["action_id"]
    # February: margin, cash and opex missed; opex and cash missed in January too
    assert {k: r["status"] for k, r in feb.items()} == {
        "gross_margin_pct": "new",
        "cash_end": "still open",
        "opex": "still open",
    }
    # cash rule: impact 5000 - 2000 = 3,000.00; margin: a ratio, no impact in money
    assert feb["cash_end"]["impact"] == D("3000.00")
    assert feb["gross_margin_pct"]["impact"] is None
    assert [r["metric"] for r in plan(warehouse, FEB, rules)] == [
        "cash_end",  # 3,000.00
        "opex",  # 100.00
        "gross_margin_pct",  # none
    ]


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "actions.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


MATCHING_RULES = """\
rules:
  - match: {kind: kpi}
    action: "Generic: {entity} {kpi}"
    owner: ceo
    due_days: 30
    impact: gap
  - match: {kind: kpi, metric: opex}
    action: "Any opex: {gap}"
    owner: cfo
    due_days: 10
    impact: none
  - match: {kind: kpi, entity: alpha, metric: opex}
    action: "Alpha opex: {actual} against {target}"
    owner: accounting
    due_days: 5
    impact: gap
  - match: {kind: kpi, metric: opex}
    action: "Second opex rule"
    owner: cmo
    due_days: 1
    impact: gap
  - match: {kind: finding, source: stack}
    action: "Stack: {title} ({finding_id})"
    owner: cto
    due_days: 3
    impact: none
"""


def test_the_most_specific_rule_wins(warehouse, tmp_path):
    rules = load_action_rules(write_rules(tmp_path, MATCHING_RULES), {"alpha", "beta"})
    found = {r["metric"] or r["finding_id"]: r for r in plan(warehouse, MAR, rules)}
    # entity + metric (rule 3) beats metric alone (rules 2 and 4) and kind alone (rule 1)
    assert (found["opex"]["rule_index"], found["opex"]["due_on"]) == (3, date(2026, 4, 5))
    # a rule on source alone matches findings of any severity: the high one is an action too
    assert found["F-STACK001"]["rule_index"] == found["F-LOW00001"]["rule_index"] == 5
    # critical findings that no rule matches come back without a rule and a rank
    assert {k for k, r in found.items() if r["rule_index"] is None} == {
        "F-INV00001",
        "F-OTHER001",
    }
    assert all(r["rank"] is None for r in found.values() if r["rule_index"] is None)
    # impact 100.00 ranks first; the two stack actions (no impact, same due date) follow
    assert found["opex"]["rank"] == 1
    assert {found["F-STACK001"]["rank"], found["F-LOW00001"]["rank"]} == {2, 3}


def test_between_equally_specific_rules_the_first_in_the_file_wins(warehouse, tmp_path):
    text = MATCHING_RULES.replace("entity: alpha, metric: opex", "entity: beta, metric: opex")
    rules = load_action_rules(write_rules(tmp_path, text))
    opex = next(r for r in plan(warehouse, MAR, rules) if r["metric"] == "opex")
    # rule 3 is now beta's; rules 2 and 4 match equally: rule 2, with no impact in money
    assert (opex["rule_index"], opex["owner"], opex["impact"]) == (2, "cfo", None)


def test_action_text_fills_the_template(warehouse, tmp_path):
    rules = load_action_rules(write_rules(tmp_path, MATCHING_RULES))
    found = {r["metric"] or r["finding_id"]: r for r in plan(warehouse, MAR, rules)}
    fmt = ceo.Formatter("USD")
    assert ceo.action_text(found["opex"], fmt) == "Alpha opex: $1,000.00 against $900.00."
    assert ceo.action_text(found["F-STACK001"], fmt) == "Stack: MFA off: booking-app (F-STACK001)."


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("match: {kind: kpi, metric: margin}", "rule 2 (match.metric)"),
        ("match: {kind: kpi, source: stack}", "source: only for kind finding"),
        ("match: {kind: finding, metric: revenue}", "metric: only for kind kpi"),
        ("match: {kind: kpi}\n    action: 'Fix {title}'", "unknown placeholder {title}"),
        ("match: {kind: kpi}\n    action: 'Fix {gap:.2f}'", "without a format"),
        ("match: {kind: kpi}\n    due_days: 31", "rule 2 (due_days)"),
        ("match: {kind: finding}\n    impact: gap", "gap is only for kind kpi"),
        ("match: {kind: kpi}\n    impact: amount", "amount is only for kind finding"),
        ("match: {kind: kpi}\n    owner: board", "rule 2 (owner)"),
        ("match: {kind: kpi, entity: nobody}", "'nobody' is not an entity id"),
    ],
)
def test_invalid_rules_name_the_file_and_the_rule(tmp_path, rule, message):
    # later keys of a mapping override earlier ones: the defaults come first
    text = (
        "rules:\n"
        "  - {match: {kind: kpi}, action: ok, owner: ceo, due_days: 3, impact: none}\n"
        "  - action: 'Fix {entity}'\n    owner: ceo\n    due_days: 3\n    impact: none\n"
        f"    {rule}\n"
    )
    path = write_rules(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_action_rules(path, {"alpha"})
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_a_missing_or_broken_rules_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="action rules file not found"):
        load_action_rules(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_action_rules(write_rules(tmp_path, "rules: [\n"))
    with pytest.raises(ConfigError, match="rules"):
        load_action_rules(write_rules(tmp_path, "- just a list\n"))


def test_the_report_uses_the_rules_file_of_the_config(warehouse, config_path, tmp_path):
    # the same portfolio (the module's warehouse) with a rules file of its own: the run writes
    # it into config.action_rules with the other settings, and the report reads it there
    path = write_portfolio(
        tmp_path, FILES, entities=ENTITIES, ceo={"action_rules": "rules/mine.yaml"}
    )
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.yaml").write_text(
        "rules:\n"
        "  - {match: {kind: kpi}, action: 'Look at {entity}: {kpi}', owner: cmo, due_days: 2,"
        " impact: none}\n",
        encoding="utf-8",
    )
    try:
        write_config_tables(warehouse, load_config(path))
        model, _ = build_report(warehouse, path, "ceo", "2026-03")
    finally:
        write_config_tables(warehouse, load_config(config_path))
    actions = next(s for s in model.sections if s.key == "actions")
    # opex is the one missed KPI
    assert [r["action_text"] for r in actions.tables[0].rows] == [
        "Look at Alpha Charters: operating expenses."
    ]
    assert actions.tables[0].rows[0]["due_on"] == date(2026, 4, 2)
    assert "rules/mine.yaml (1 rule)" in actions.lines[0]
    # no rule of this file matches the critical findings: the plan says so
    assert actions.lines[1] == (
        "No rule of rules/mine.yaml matches: Alpha Charters, F-INV00001: invoice, critical; "
        "Alpha Charters, F-STACK001: stack, critical; Beta Hauling, F-OTHER001: "
        "revenue_recognition, critical. Add a rule for them."
    )
    # a broken rules file stops the run where the settings are written, naming the file
    (tmp_path / "rules" / "mine.yaml").write_text("rules:\n  - {match: {kind: x}}\n")
    with pytest.raises(ConfigError, match="mine.yaml: invalid action rules"):
        write_config_tables(warehouse, load_config(path))


# -- checks ----------------------------------------------------------------------------------------

CHECKS = [
    ("asset_inventory", "grain"),
    ("asset_inventory", "reconciles_assets"),
    ("shortfall_by_entity", "grain"),
    ("shortfall_by_entity", "agrees_with_kpi_gaps"),
]


def test_relations_have_their_checks():
    assert relation_named("asset_inventory").checks == ["grain", "reconciles_assets"]
    assert relation_named("shortfall_by_entity").checks == ["grain", "agrees_with_kpi_gaps"]


@pytest.mark.parametrize(("relation", "check"), CHECKS)
def test_checks_pass_on_the_fixture(warehouse, relation, check):
    assert run_check(warehouse, relation_named(relation), check)[0] == 0


BREAKAGES = [
    (
        "asset_inventory",
        "grain",
        "insert into metrics.asset_inventory select * from metrics.asset_inventory "
        "where month = date '2026-02-01' and asset_category = 'vessel'",
    ),
    (
        "asset_inventory",
        "reconciles_assets",
        "update metrics.asset_inventory set asset_cost = asset_cost + 0.01 "
        "where month = date '2026-03-01' and asset_status = 'sold'",
    ),
    (
        "shortfall_by_entity",
        "grain",
        "delete from metrics.shortfall_by_entity where entity_id = 'beta' and month = "
        "date '2026-02-01'",
    ),
    (
        "shortfall_by_entity",
        "agrees_with_kpi_gaps",
        "update metrics.shortfall_by_entity set revenue_shortfall = 0 "
        "where entity_id = 'alpha' and month = date '2026-01-01'",
    ),
]


@pytest.mark.parametrize(("relation", "check", "breakage"), BREAKAGES)
def test_checks_catch_a_broken_table(warehouse, relation, check, breakage):
    # broken inside a transaction that is rolled back: the module's warehouse stays whole
    warehouse.execute("begin transaction")
    try:
        warehouse.execute(breakage)
        count, sample = run_check(warehouse, relation_named(relation), check)
    finally:
        warehouse.execute("rollback")
    assert count == 1 and len(sample) == 1
    assert run_check(warehouse, relation_named(relation), check)[0] == 0


# -- the report ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def march(warehouse, config_path):
    return build_report(warehouse, config_path, "ceo", "2026-03")


def test_headlines(march):
    model, _ = march
    got = {h.label: (h.value, h.previous, h.target, h.good) for h in model.headlines}
    assert got == {
        # every entity's revenue, each on its basis (the fixture's are cash): alpha 3,000.00 +
        # beta 0.00 (February: 4,000.00 + 500.00); only alpha has a target, so the portfolio has
        # none (the shortfall table compares alpha with its own)
        "Revenue, each entity on its basis": (D("3000.00"), D("4500.00"), None, None),
        # every entity's cash, as the CFO's headline: 7,400.00 + 300.00 (February: 2,000.00 +
        # 500.00); no portfolio target, beta has none
        "Cash at month end": (D("7700.00"), D("2500.00"), None, None),
        # March: 3 of 4 met; February: only revenue met of alpha's 4 (gamma has no February)
        "KPIs met (of 4)": (3, 1, 4, False),
        # the three open critical fixture findings; none in February
        "Open critical findings": (3, 0, 0, False),
        # March: 4 actions (above); February: margin, cash and opex
        "Actions, next 30 days": (4, 3, None, None),
    }


def test_verdicts(march):
    model, _ = march
    assert model.verdicts == [
        # graded (decision 44), what needs the reader first: both act on an open critical
        # finding, alpha first by money at stake (the invoice's 1,234.56 against beta's 250.00),
        # each naming its causes before the rest; gamma, with no data for the month, is to
        # watch. Compact money in sentences, one shape (decision 39): 7,400.00 is $7.4K,
        # 3,000.00 $3.0K, the invoice's 1,234.56 $1.2K, 300.00 $300
        "Alpha Charters, act: Overdue invoice I-7; MFA off: booking-app; operating expenses "
        "$1.0K, $100 over $900; 3 of 4 KPIs met; revenue (cash basis) $3.0K against a $3.0K "
        "target; cash $7.4K against a $5.0K target; 2 critical findings open; 3 actions in the "
        "plan, the first worth $1.2K (Accounting, due Apr 7, 2026).",
        "Beta Hauling, act: Prepayment kept; no KPIs set; revenue (cash basis) $0 (no target); "
        "cash $300 (no target); 1 critical finding open; 1 action in the plan, the first worth "
        "$250 (CEO, due Apr 14, 2026).",
        "Gamma Rentals, watch: no ledger data for March 2026 (data ends 2026-01-20).",
    ]


def test_sections(march):
    model, rendered = march
    sections = {s.key: s for s in model.sections}
    assert list(sections) == ["shortfall", "kpi_gaps", "actions", "done", "next_30_days", "assets"]
    assert all(s.empty is None for key, s in sections.items() if key != "next_30_days")
    # nothing of this portfolio is dated after March: the section says so in one line (its
    # events are tested in tests/test_next_30_days.py)
    assert sections["next_30_days"].empty.startswith(
        "Nothing known falls due between Apr 1, 2026 and Apr 30, 2026"
    )
    shortfall_table = sections["shortfall"].tables[0]
    assert [r["name"] for r in shortfall_table.rows] == [
        "Alpha Charters",
        "Beta Hauling",
        "Gamma Rentals",
    ]
    beta = shortfall_table.rows[1]
    assert (beta["revenue_target"], beta["revenue_shortfall"]) == ("no target", "–")
    assert shortfall_table.rows[2]["revenue"] == "no data"
    assert shortfall_table.rows[0]["revenue_shortfall"] == "on target"
    assert shortfall_table.total["name"] == "Portfolio"
    assert shortfall_table.attachment == "shortfall.csv"
    # 1 of 2 entities with a revenue target in March: the line says what the totals cover
    assert any("1 of 2 entities" in line for line in sections["shortfall"].lines)
    actions = sections["actions"].tables[0]
    assert [r["action_id"] for r in actions.rows] == [
        r["action_id"] for r in sorted(actions.rows, key=lambda r: r["rank"])
    ]
    assert actions.rows[-1]["impact"] == "not in money"
    assert actions.rows[0]["action_text"].startswith(
        "Collect $1,234.56 from the client for Alpha Charters"
    )
    assets_by_entity, assets = sections["assets"].tables
    # Portfolio total in March: 6 assets, cost 12000 + 1800 + 700 + 400 = 14,900.00,
    # book value 9900 + 250 + 0 = 10,150.00 (two without one)
    total = assets_by_entity.total
    assert (total["name"], total["asset_count"]) == ("Portfolio", 6)
    assert (total["asset_cost"], total["asset_book_value"]) == (
        D("14900.00"),
        D("10150.00"),
    )
    # book value / cost: 10150 / 14900 = 0.681 (shown to 3 decimals)
    assert assets_by_entity.rows[0]["book_value_ratio"] == D("0.681")
    assert assets_by_entity.rows[0]["active_count"] == 4  # A1, A2, A4, A5
    assert any("2 assets have no book value" in line for line in sections["assets"].lines)
    assert any("beta/assets.csv" in line for line in sections["assets"].lines)
    # the detail, most valuable first: vessels 9,900.00, then equipment 250.00, 0.00, empty
    assert [(r["asset_category"], r["asset_status"]) for r in assets.rows] == [
        ("vessel", "active"),
        ("equipment", "active"),
        ("equipment", "sold"),
        ("equipment", "retired"),
    ]
    assert {c.name for c in model.charts} == {"revenue_target", "cash_target", "kpi_gaps"}
    assert all(c.alt and c.png.startswith(b"\x89PNG") for c in model.charts)
    assert_no_none(rendered)


def test_the_json_equals_the_metric_store(warehouse, march):
    _, rendered = march
    report_json = json.loads(rendered.json)
    sections = {s["key"]: s for s in report_json["sections"]}

    store = {
        r["entity_id"]: r
        for r in rows(warehouse, "select * from metrics.shortfall_by_entity where month = $m",
                      {"m": MAR})
    }  # fmt: skip
    names = {e["id"]: e["name"] for e in ENTITIES}
    shown = {r["name"]: r for r in sections["shortfall"]["tables"][0]["rows"]}
    for entity_id, row in store.items():
        json_row = shown[names[entity_id]]
        for key in ("revenue", "cash_end"):
            assert Decimal(str(json_row[key])) == row[key]
    assert Decimal(str(shown["Alpha Charters"]["cash_target"])) == store["alpha"]["cash_target"]

    gaps = {
        (r["entity_id"], r["kpi"]): r
        for r in rows(warehouse, "select * from metrics.kpi_gaps where month = $m", {"m": MAR})
    }
    # March: only alpha's opex missed (the table lists missed KPIs; met ones are in a line)
    kpi_rows = sections["kpi_gaps"]["tables"][0]["rows"]
    assert [r["kpi_label"] for r in kpi_rows] == ["Operating expenses"]
    for key in ("actual", "target", "gap"):
        assert Decimal(str(kpi_rows[0][key])) == round(gaps[("alpha", "opex")][key], 2)

    inventory_rows = rows(
        warehouse,
        "select sum(asset_count) as n, sum(asset_cost) as cost, sum(asset_book_value) as bv "
        "from metrics.asset_inventory where month = $m",
        {"m": MAR},
    )[0]
    total = sections["assets"]["tables"][0]["total"]
    assert (total["asset_count"], Decimal(str(total["asset_cost"]))) == (
        inventory_rows["n"],
        inventory_rows["cost"],
    )
    assert Decimal(str(total["asset_book_value"])) == inventory_rows["bv"]

    headlines = {h["key"]: h for h in report_json["headlines"]}
    assert Decimal(str(headlines["revenue"]["value"])) == sum(r["revenue"] for r in store.values())
    assert Decimal(str(headlines["cash_end"]["value"])) == sum(
        r["cash_end"] for r in store.values()
    )


# -- a bare portfolio and the demo -----------------------------------------------------------------


def test_a_bare_portfolio_builds_with_no_data_sections(portfolio):
    path = portfolio(
        {
            "solo/ledger.csv": "txn_id,date,account_code,amount,description,counterparty\n"
            "S1,2026-05-04,4000,120.00,Sale,Client\n"
        }
    )
    conn = load_warehouse(path)
    model, rendered = build_report(conn, path, "ceo", "2026-05")
    sections = {s.key: s for s in model.sections}
    assert sections["kpi_gaps"].empty.startswith("No KPIs in reporting.yaml")
    assert sections["actions"].empty.startswith("No KPIs in reporting.yaml")
    assert sections["assets"].empty == (
        "No assets.csv for any entity: add data/<entity>/assets.csv (see docs/data-contract.md)."
    )
    assert sections["shortfall"].tables[0].rows[0]["revenue_target"] == "no target"
    assert model.verdicts == [
        "Solo, on track: no KPIs set; revenue (cash basis) $120 (no target); cash $120 (no "
        "target); no actions this month."
    ]
    headlines = {h.label: h for h in model.headlines}
    assert headlines["KPIs met (of 0)"].note == "no KPIs configured"
    assert_no_none(rendered)
    conn.close()


@pytest.fixture(scope="module")
def demo(demo_warehouse):
    config_path, conn = demo_warehouse
    return conn, config_path


def test_the_demo_report_has_every_section(demo):
    conn, path = demo
    model, rendered = build_report(conn, path, "ceo", "2026-10")
    assert len(model.headlines) == 5
    assert len(model.verdicts) == 6
    for section in model.sections:
        assert section.empty is None, section.key
        assert section.tables, section.key
    # every missed KPI is an action, ranked
    actions = next(s for s in model.sections if s.key == "actions").tables[0].rows
    missed = rows(
        conn,
        "select count(*) as n from metrics.kpi_status where month = date '2026-10-01' and not met",
    )[0]["n"]
    assert sum(1 for r in actions if r["action_id"]) >= missed
    assert_no_none(rendered)


def test_the_demo_shows_revenue_and_margin_on_each_entity_basis(demo):
    # October 2026: Expert Yacht Delivery's $5,643.00 trip delivered on Oct 25 and unpaid is in
    # its revenue (accrual basis: 8,072.66 received + 5,643.00 earned and owed = 13,715.66), and
    # its gross margin is on that revenue; Quick Dump Now is on the cash basis
    conn, path = demo
    model, rendered = build_report(conn, path, "ceo", "2026-10")
    store = {
        r["entity_id"]: r
        for r in rows(
            conn,
            "select revenue.entity_id, revenue.basis, revenue.revenue, pnl.cogs "
            "from metrics.revenue as revenue "
            "inner join metrics.monthly_pnl as pnl using (entity_id, month) "
            "where month = date '2026-10-01'",
        )
    }
    shortfall = next(s for s in json.loads(rendered.json)["sections"] if s["key"] == "shortfall")
    shown = {r["entity_id"]: r for r in shortfall["tables"][0]["rows"]}
    assert set(shown) == set(store)
    for entity_id, row in store.items():
        assert shown[entity_id]["basis"] == row["basis"]
        assert Decimal(str(shown[entity_id]["revenue"])) == row["revenue"]
        margin = (row["revenue"] - row["cogs"]) / row["revenue"]
        assert Decimal(str(shown[entity_id]["gross_margin_pct"])) == round(margin, 3)
    eyd = shown["expert_yacht_delivery"]
    assert (eyd["basis"], eyd["revenue"], eyd["gross_margin_pct"]) == ("accrual", 13715.66, 0.337)
    assert shown["quick_dump_now"]["basis"] == "cash"
    headline = next(h for h in model.headlines if h.glossary == "revenue")
    assert headline.label == "Revenue, each entity on its basis"
    assert headline.value == sum(row["revenue"] for row in store.values())
    verdict = next(v for v in model.verdicts if v.startswith("Expert Yacht Delivery"))
    assert "revenue (accrual basis) $13.7K, $1.3K short of $15.0K" in verdict
    # the KPI table's revenue KPIs are on the same basis (metrics.kpi_status), with it named
    kpis = next(s for s in model.sections if s.key == "kpi_gaps").tables[0].rows
    eyd_revenue = next(
        r for r in kpis if r["entity_id"] == "expert_yacht_delivery" and r["kpi"] == "revenue"
    )
    assert (eyd_revenue["basis"], eyd_revenue["actual"]) == ("accrual", Decimal("13715.66"))
