"""One story across the pack: every figure that two reports of a month show for the same entity
and month (revenue, cash, burn on both levels, gross margin, receivables, deferred revenue) is the
same figure, and a report that shows an operational figure of revenue under another key (trip
revenue, amount billed, rent due...) bridges it to the entity's revenue in its section
`revenue_bridge`. The convention is docs/developing-reports.md, "One story".

Each figure is held against the metric store's, so a report that tells another story is named
(the one that differs), not every report that shows the figure beside it: the test of a report
passes when its figures are the store's and its operational figures are bridged.

Walked on the demo's October 2026 and September 2026 packs and on a portfolio made by bench/'s
generator (bench/run.py: ledger lines only, every entity on the cash basis).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO, load_warehouse, rows

from exec_reporting.config import load_config
from exec_reporting.metrics import relation, run_check
from exec_reporting.render import render
from exec_reporting.reports import REPORTS, specs
from exec_reporting.reports.common import month_start

# The figures compared, by the key a headline or a column carries, and the metric store's figure
# each must be (per entity, and for the portfolio in a persona report's headlines and total rows).
# Keys of one quantity with two definitions (receivables on open invoices, receivables_owed on
# every item; deferred_balance on confirmed bookings, deferred_revenue on every item) keep their
# own reference: each is held to its own definition. The balance sheet shows receivables_owed and
# deferred_revenue, metrics.revenue's (decision 47).
COMPARED = (
    "revenue",
    "cash_end",
    "net_burn",
    "operating_burn",
    "net_burn_avg_3m",
    "cash_burn",
    "cash_burn_avg_3m",
    # the runway on cash burn every report shows, and the operating one where a KPI names it
    "cash_runway_months",
    "runway_months",
    "gross_margin_pct",
    "receivables",
    "receivables_owed",
    "deferred_balance",
    "deferred_revenue",
)
# The same quantity as `revenue`, counted another way: a report showing one of these for an
# entity and month another report shows the revenue of, at another figure, bridges it.
OPERATIONAL_REVENUE = (
    "trip_revenue",
    "billed",
    "rent_due",
    "rent_scheduled",
    "rent_collected",
    "cash_received",
    "recognized_revenue",
)
PORTFOLIO = "portfolio"
BRIDGE_SECTION = "revenue_bridge"
# "Revenue (accrual basis)"; a portfolio's, its entities' on each one's: "each entity's basis"
BRIDGE_END = re.compile(r"^Revenue \((cash|accrual|each entity's) basis\)$")

REFERENCE_SQL = """
with entity_figures as (
    select
        revenue.entity_id,
        revenue.month,
        revenue.revenue,
        burn.cash_end,
        burn.net_burn,
        burn.net_burn as operating_burn,
        burn.net_burn_avg_3m,
        burn.runway_months::decimal(38, 10) as runway_months,
        cash_burn.cash_burn,
        cash_burn.cash_burn_avg_3m,
        cash_burn.cash_runway_months::decimal(38, 10) as cash_runway_months,
        pnl.gross_margin_pct::decimal(38, 10) as gross_margin_pct,
        pnl.cogs,
        invoices.receivables,
        revenue.receivables_owed,
        bookings.deferred_balance,
        revenue.deferred_revenue
    from metrics.revenue as revenue
    inner join metrics.burn as burn using (entity_id, month)
    inner join metrics.cash_burn as cash_burn using (entity_id, month)
    inner join metrics.pnl_on_basis as pnl using (entity_id, month)
    inner join metrics.deferred_revenue as bookings using (entity_id, month)
    left join metrics.receivables_monthly as invoices using (entity_id, month)
),

portfolio as (
    select
        'portfolio' as entity_id,
        figures.month,
        sum(figures.revenue) as revenue,
        sum(figures.cash_end) as cash_end,
        sum(figures.net_burn) as net_burn,
        sum(figures.operating_burn) as operating_burn,
        sum(figures.net_burn_avg_3m) as net_burn_avg_3m,
        any_value(portfolio_burn.cash_burn) as cash_burn,
        any_value(portfolio_burn.cash_burn_avg_3m) as cash_burn_avg_3m,
        any_value(portfolio_burn.cash_runway_months)::decimal(38, 10) as cash_runway_months,
        case when sum(figures.revenue) <> 0
            then ((sum(figures.revenue) - sum(figures.cogs)) / sum(figures.revenue))
        end::decimal(38, 10) as gross_margin_pct,
        sum(figures.cogs) as cogs,
        sum(figures.receivables) as receivables,
        sum(figures.receivables_owed) as receivables_owed,
        sum(figures.deferred_balance) as deferred_balance,
        sum(figures.deferred_revenue) as deferred_revenue
    from entity_figures as figures
    inner join metrics.portfolio_cash_burn as portfolio_burn using (month)
    group by figures.month
)

select * exclude (cogs) from entity_figures
union all by name
select * exclude (cogs) from portfolio
"""


@dataclass(frozen=True)
class Figure:
    report: str  # the report's name (ceo, logistics-expert_yacht_delivery)
    key: str
    entity: str  # an entity id, or "portfolio"
    month: date
    value: Decimal
    where: str  # headline, or section/table/row, for the message


def pack(conn, config_path: Path, month: str) -> dict[str, dict]:
    """The JSON of every report of the month, as the pack writes it: {name: report JSON}."""
    config = load_config(config_path)
    out = {}
    for spec in specs().values():
        for entity_id in spec.entities(config):
            rendered = render(spec.build(conn, config, month_start(month), entity_id))
            out[rendered.name] = json.loads(rendered.json)
    return out


def _number(value, key: str) -> Decimal | None:
    """A figure as the report shows it; None for words in place of a figure ("no target")."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str) and key == "gross_margin_pct":
        # a KPI in another unit than money is written out in it: "33.7%"
        found = re.fullmatch(r"(-?[\d.,]+)\s*%", value.strip().replace("\u2212", "-"))
        if found:
            return Decimal(found.group(1).replace(",", "")) / 100
    if isinstance(value, str) and key in ("runway_months", "cash_runway_months"):
        # a runway in a KPI table is written in months: "3.0 mo"
        found = re.fullmatch(r"(-?[\d.,]+)\s*mo", value.strip())
        if found:
            return Decimal(found.group(1).replace(",", ""))
    return None


def _month(value) -> date:
    return date.fromisoformat(str(value)[:10])


def figures(report: dict, keys: tuple[str, ...]) -> list[Figure]:
    """The report's figures of `keys` with their entity and month: its headlines (the report's
    entity, or the portfolio), the rows of tables whose rows are entities or months (a row's
    entity_id, else the report's entity; a row's month, else the report's), the total row of a
    persona report's table of entities (the portfolio), and the rows of a KPI table (entity_id,
    kpi: the KPI's actual)."""
    name, month = report["name"], month_start(report["month"])
    own = report["entity_id"] or PORTFOLIO
    found: list[Figure] = []
    for headline in report["headlines"]:
        value = _number(headline["value"], headline["key"] or "")
        if headline["key"] in keys and value is not None:
            found.append(Figure(name, headline["key"], own, month, value, "headline"))
    for section in report["sections"]:
        for number, table in enumerate(section["tables"]):
            where = f"{section['key']}, table {number + 1}"
            key = set(table["key"])
            columns = [c["key"] for c in table["columns"]]
            if key == {"entity_id", "kpi"}:
                for row in table["rows"]:
                    value = _number(row.get("actual"), row["kpi"])
                    if row["kpi"] in keys and value is not None:
                        found.append(
                            Figure(name, row["kpi"], row["entity_id"], month, value, where)
                        )
                continue
            if not key or not key <= {"entity_id", "month"}:
                continue  # rows of trips, invoices, clients, weeks: not an entity's month
            if "entity_id" not in key and report["entity_id"] is None:
                continue  # months of no entity in a persona report
            for row in table["rows"]:
                entity = row["entity_id"] if "entity_id" in key else report["entity_id"]
                row_month = _month(row["month"]) if "month" in key else month
                for column in columns:
                    value = _number(row.get(column), column)
                    if column in keys and value is not None:
                        found.append(Figure(name, column, entity, row_month, value, where))
            if table["total"] and key == {"entity_id"} and report["entity_id"] is None:
                for column in columns:
                    value = _number(table["total"].get(column), column)
                    if column in keys and value is not None:
                        found.append(Figure(name, column, PORTFOLIO, month, value, where))
    return found


def bridges(report: dict) -> dict[tuple[str, date], list[list[tuple[str, Decimal]]]]:
    """The report's revenue bridges by entity and month: runs of (line, amount) rows, each from
    its first row to the row "Revenue (<basis> basis)" that ends it."""
    own, month = report["entity_id"], month_start(report["month"])
    found: dict[tuple[str, date], list[list[tuple[str, Decimal]]]] = defaultdict(list)
    for section in report["sections"]:
        if section["key"] != BRIDGE_SECTION:
            continue
        for table in section["tables"]:
            runs: dict[tuple[str, date], list[tuple[str, Decimal]]] = defaultdict(list)
            for row in table["rows"]:
                where = (
                    row.get("entity_id") or own or PORTFOLIO,
                    _month(row["month"]) if row.get("month") else month,
                )
                amount = _number(row["amount"], "amount")
                assert amount is not None, (report["name"], row)
                runs[where].append((row["line"], amount))
                if BRIDGE_END.match(row["line"]):
                    found[where].append(runs.pop(where))
            assert not runs, f"{report['name']}: a bridge does not end on its revenue: {runs}"
    return found


def story_problems(
    pack_json: dict[str, dict], reference: dict[tuple[str, str, date], Decimal]
) -> dict[str, list[str]]:
    """What each report says that the rest of the pack does not: {report name: problems}."""
    shown = {name: figures(report, COMPARED) for name, report in pack_json.items()}
    in_reports: dict[tuple[str, str, date], set[str]] = defaultdict(set)
    revenue_shown: dict[tuple[str, date], set[str]] = defaultdict(set)
    for name, found in shown.items():
        for f in found:
            in_reports[(QUANTITY.get(f.key, f.key), f.entity, f.month)].add(name)
            if f.key == "revenue":
                revenue_shown[(f.entity, f.month)].add(name)
    problems: dict[str, list[str]] = defaultdict(list)
    for name, found in shown.items():
        for f in found:
            if len(in_reports[(QUANTITY.get(f.key, f.key), f.entity, f.month)]) < 2:
                continue  # in one report only: nothing to contradict
            expected = reference.get((f.key, f.entity, f.month))
            # as the JSON edition rounds them: a ratio to three places, months to one
            places = {"gross_margin_pct": 3, "cash_runway_months": 1, "runway_months": 1}.get(
                f.key, 2
            )
            if expected is None or round(expected, places) != f.value:
                others = sorted(
                    in_reports[(QUANTITY.get(f.key, f.key), f.entity, f.month)] - {name}
                )
                problems[name].append(
                    f"{f.key} of {f.entity} for {f.month:%Y-%m} ({f.where}) is {f.value}, the "
                    f"metric store's is {expected}; also shown by {', '.join(others)}"
                )
    for name, report in pack_json.items():
        bridged = bridges(report)
        for (entity, month), runs in bridged.items():
            revenue = reference.get(("revenue", entity, month))
            for run in runs:
                *lines, (end_line, end) = run
                if end != revenue:
                    problems[name].append(
                        f"the bridge of {entity} for {month:%Y-%m} ends on {end} ({end_line}), "
                        f"the revenue is {revenue}"
                    )
                if sum((amount for _, amount in lines), Decimal(0)) != end:
                    problems[name].append(
                        f"the bridge of {entity} for {month:%Y-%m} does not add up to {end}: {run}"
                    )
        for f in figures(report, OPERATIONAL_REVENUE):
            revenue = reference.get(("revenue", f.entity, f.month))
            others = revenue_shown[(f.entity, f.month)] - {name}
            if not others or revenue is None or f.value == revenue:
                continue  # no other report shows this month's revenue, or it is the same
            starts = [run[0][1] for run in bridged.get((f.entity, f.month), [])]
            if f.value not in starts:
                problems[name].append(
                    f"{f.key} of {f.entity} for {f.month:%Y-%m} ({f.where}) is {f.value}, the "
                    f"revenue {', '.join(sorted(others))} show is {revenue}, and no "
                    f"{BRIDGE_SECTION} starts from it"
                )
    return problems


# Keys that name the same quantity: two reports showing either must agree.
QUANTITY = {"operating_burn": "net_burn"}


def reference_figures(conn) -> dict[tuple[str, str, date], Decimal]:
    out = {}
    for row in rows(conn, REFERENCE_SQL):
        for key in COMPARED:
            if row[key] is not None:
                out[(key, row["entity_id"], row["month"])] = Decimal(row[key])
    return out


# -- the convention checked on a small pack, by hand ------------------------------------------------


def _report(name, entity_id, headlines=(), sections=()):
    return {
        "name": name,
        "month": "2026-10",
        "entity_id": entity_id,
        "headlines": [{"key": k, "value": v} for k, v in headlines],
        "sections": list(sections),
    }


def _table(columns, rows_, key, total=None):
    return {"columns": [{"key": c} for c in columns], "rows": rows_, "key": key, "total": total}


OCT = date(2026, 10, 1)
HAND_REFERENCE = {("revenue", "trips", OCT): Decimal("13715.66")}
CEO = _report(
    "ceo",
    None,
    sections=[
        {
            "key": "shortfall",
            "tables": [
                _table(
                    ["name", "revenue"],
                    [{"entity_id": "trips", "revenue": 13715.66}],
                    ["entity_id"],
                )
            ],
        }
    ],
)
TRIPS_TREND = {
    "key": "trend",
    "tables": [
        _table(
            ["month", "trip_revenue"], [{"month": "2026-10-01", "trip_revenue": 13710.0}], ["month"]
        )
    ],
}


def test_a_figure_another_report_shows_differently_is_named():
    wrong = _report("logistics-trips", "trips", headlines=[("revenue", 8072.66)])
    problems = story_problems({"ceo": CEO, "logistics-trips": wrong}, HAND_REFERENCE)
    assert list(problems) == ["logistics-trips"]
    assert problems["logistics-trips"][0].startswith(
        "revenue of trips for 2026-10 (headline) is 8072.66, the metric store's is 13715.66"
    )


def test_an_operational_figure_needs_a_bridge_that_ends_on_the_revenue():
    unbridged = _report("logistics-trips", "trips", sections=[TRIPS_TREND])
    problems = story_problems({"ceo": CEO, "logistics-trips": unbridged}, HAND_REFERENCE)
    assert problems["logistics-trips"] == [
        "trip_revenue of trips for 2026-10 (trend, table 1) is 13710.0, the revenue ceo show is "
        "13715.66, and no revenue_bridge starts from it"
    ]
    bridge = {
        "key": "revenue_bridge",
        "tables": [
            _table(
                ["line", "amount"],
                [
                    {"line": "Trip revenue", "amount": 13710.0},
                    {"line": "Kept cancellation fee", "amount": 5.66},
                    {"line": "Revenue (accrual basis)", "amount": 13715.66},
                ],
                ["line"],
            )
        ],
    }
    bridged = _report("logistics-trips", "trips", sections=[TRIPS_TREND, bridge])
    assert story_problems({"ceo": CEO, "logistics-trips": bridged}, HAND_REFERENCE) == {}
    # a bridge that does not add up, or ends elsewhere, is named
    bridge["tables"][0]["rows"][1]["amount"] = 6.66
    bridge["tables"][0]["rows"][2]["amount"] = 13716.66
    problems = story_problems({"ceo": CEO, "logistics-trips": bridged}, HAND_REFERENCE)
    assert problems["logistics-trips"] == [
        "the bridge of trips for 2026-10 ends on 13716.66 (Revenue (accrual basis)), the revenue "
        "is 13715.66"
    ]


# -- the packs ---------------------------------------------------------------------------------------


def _generated(tmp_path_factory):
    """A portfolio from bench/'s generator: three entities, ledger lines only, 2024-2025."""
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    root = tmp_path_factory.mktemp("generated")
    config_path = bench.write_portfolio(root, lines=3000, entities=3)
    return config_path, load_warehouse(config_path)


@pytest.fixture(scope="module")
def packs(demo_warehouse, tmp_path_factory):
    demo_path, demo_conn = demo_warehouse
    generated_path, generated_conn = _generated(tmp_path_factory)
    built = {}
    for label, (path, conn, month) in {
        "demo 2026-10": (demo_path, demo_conn, "2026-10"),
        "demo 2026-09": (demo_path, demo_conn, "2026-09"),
        "generated 2025-06": (generated_path, generated_conn, "2025-06"),
    }.items():
        built[label] = (pack(conn, path, month), reference_figures(conn))
    yield built
    generated_conn.close()


PACKS = ("demo 2026-10", "demo 2026-09", "generated 2025-06")


def test_every_report_of_every_pack_is_walked(packs):
    for label in PACKS:
        pack_json, _ = packs[label]
        assert {report["report"] for report in pack_json.values()} == (
            set(REPORTS) if label.startswith("demo") else {"ceo", "cto", "cfo", "cmo", "accounting"}
        )
    # the figures the story is about are there to compare: revenue, cash and burn in the CEO and
    # CFO reports, for every entity and the portfolio
    pack_json, _ = packs["demo 2026-10"]
    ceo = {(f.key, f.entity) for f in figures(pack_json["ceo"], COMPARED)}
    cfo = {(f.key, f.entity) for f in figures(pack_json["cfo"], COMPARED)}
    for entity in ("queen_of_san_diego", "expert_yacht_delivery", PORTFOLIO):
        assert {("revenue", entity), ("cash_end", entity)} <= ceo
        assert {("cash_end", entity), ("cash_burn", entity), ("net_burn", entity)} <= cfo


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("label", PACKS)
def test_the_report_tells_the_story_the_pack_tells(packs, label, report):
    pack_json, reference = packs[label]
    problems = story_problems(pack_json, reference)
    mine = {name: found for name, found in problems.items() if name.split("-")[0] == report}
    assert mine == {}


def test_the_balance_sheet_holds_the_revenue_bridge_s_receivables_and_deferred(demo_warehouse):
    """For every entity on the accrual basis and every month of the demo, the balance sheet's
    receivables and deferred revenue are metrics.revenue's closing figures (decision 47); an
    entity on the cash basis has none on its balance sheet, metrics.revenue's beside it as a
    memo."""
    config_path, conn = demo_warehouse
    compared = rows(
        conn,
        "select revenue.entity_id, revenue.month, revenue.basis, "
        "sheet.receivables_owed as sheet_receivables, revenue.receivables_owed, "
        "sheet.deferred_revenue as sheet_deferred, revenue.deferred_revenue, "
        "sheet.memo_receivables_owed, sheet.memo_deferred_revenue "
        "from metrics.revenue as revenue "
        "full join metrics.balance_sheet as sheet using (entity_id, month) "
        "order by revenue.entity_id, revenue.month",
    )
    accrual = [r for r in compared if r["basis"] == "accrual"]
    cash = [r for r in compared if r["basis"] == "cash"]
    assert len(accrual) == 5 * 24 and len(cash) == 24
    assert [
        r
        for r in accrual
        if (r["sheet_receivables"], r["sheet_deferred"])
        != (r["receivables_owed"], r["deferred_revenue"])
        or (r["memo_receivables_owed"], r["memo_deferred_revenue"]) != (0, 0)
    ] == []
    assert [
        r
        for r in cash
        if (r["sheet_receivables"], r["sheet_deferred"]) != (0, 0)
        or (r["memo_receivables_owed"], r["memo_deferred_revenue"])
        != (r["receivables_owed"], r["deferred_revenue"])
    ] == []
    # what the bridge carries is on the sheet: the trip delivered on October 25 and unpaid
    october = {r["entity_id"]: r for r in accrual if r["month"] == date(2026, 10, 1)}
    assert october["expert_yacht_delivery"]["sheet_receivables"] == Decimal("5643.00")
    # and the CFO's balance sheet shows those figures, with no line explaining a difference
    cfo = report_section(conn, config_path, "2026-10", "cfo", "balance_sheet")
    [table] = cfo["tables"]
    shown = {row["entity_id"]: row for row in table["rows"]}
    for entity_id, r in october.items():
        assert (
            Decimal(str(shown[entity_id]["receivables_owed"])),
            Decimal(str(shown[entity_id]["deferred_revenue"])),
        ) == (r["receivables_owed"], r["deferred_revenue"])
    assert shown["quick_dump_now"]["receivables_owed"] is None
    assert not [line for line in cfo["lines"] if "also counts" in line or "also holds" in line]
    # the balance sheet's own check: the identity, the cash, the loans and these figures
    assert run_check(conn, relation("balance_sheet"), "balances") == (0, [])


def report_section(conn, config_path: Path, month: str, report: str, section: str) -> dict:
    """One section of one persona report of the month, as its JSON says it."""
    config = load_config(config_path)
    rendered = render(specs()[report].build(conn, config, month_start(month), None))
    [found] = [s for s in json.loads(rendered.json)["sections"] if s["key"] == section]
    return found
