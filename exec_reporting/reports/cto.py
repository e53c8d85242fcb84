"""The CTO report: is each business's software safe, what does it cost, and where is delivery
slow? Built from stack.csv (a snapshot judged as of the report month's end) and the ledger (what
was paid to each component's provider)."""

from __future__ import annotations

from datetime import date

from duckdb import DuckDBPyConnection

from exec_reporting.charts import Series, bar_chart, line_chart
from exec_reporting.config import ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import (
    data_notes,
    figure_clause,
    findings_table,
    floats,
    month_labels,
    months_back,
    plural,
    previous_month,
)
from exec_reporting.reports.model import Chart, Column, Headline, Report, Section, Table
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.sqlfiles import query

NO_STACK = "No stack.csv for any entity: add data/<entity>/stack.csv (see docs/data-contract.md)."

AUDIT_COLUMNS = [
    Column("name", "Entity"),
    Column("components", "Components", "integer"),
    Column("components_passing", "Passing", "integer"),
    Column("critical_stack_findings", "Critical", "integer"),
    Column("high_stack_findings", "High", "integer"),
    Column("medium_stack_findings", "Medium", "integer"),
    Column("low_stack_findings", "Low", "integer"),
    Column("open_stack_findings", "Open findings", "integer"),
]

ENTITY_COST_COLUMNS = [
    Column("name", "Entity"),
    Column("components", "Components", "integer"),
    Column("software_cost", "Cost this month", "money"),
    Column("software_cost_3m_before", "3 months before", "money"),
    Column("software_cost_change", "Change", "money"),
    Column("cost_trend", "Trend"),
    Column("components_without_history", "Without ledger history", "integer"),
]

COMPONENT_COST_COLUMNS = [
    Column("name", "Entity"),
    Column("component", "Component"),
    Column("provider", "Provider"),
    Column("software_cost", "Cost this month", "money"),
    Column("software_cost_change", "Change on 3 months before", "money"),
    Column("cost_trend", "Trend"),
]

DEV_CYCLE_COLUMNS = [
    Column("name", "Entity"),
    Column("component", "Component"),
    Column("days_since_deploy", "Days since deploy", "integer"),
    Column("days_since_dependency_update", "Days since dependency update", "integer"),
    Column("tls_days_left", "TLS days left", "integer"),
    Column("ci", "CI"),
    Column("monitoring", "Monitoring"),
    Column("gaps", "Gaps"),
]


def _passing(passing: int, components: int) -> str:
    """The words "3 of 5 components pass every check", the verb agreeing with the count."""
    verb = "passes" if passing == 1 else "pass"
    return f"{passing} of {plural(components, 'component')} {verb} every check"


def cost_phrase(row: dict, month: date, fmt: Formatter) -> str:
    """The software cost and its change against three months before, in words."""
    cost = f"software costs {fmt.money_compact(row['software_cost'])} a month"
    change = row.get("software_cost_change")
    earlier = fmt.month(months_back(month, 3))
    if row.get("cost_trend") == "no history":
        return cost + " as listed in stack.csv (no ledger payments to its providers)"
    if change is None:
        return cost + f" (no data for {earlier} to compare)"
    if change > 0:
        return cost + f", up {fmt.money_compact(change)} on {earlier}"
    if change < 0:
        return cost + f", down {fmt.money_compact(-change)} on {earlier}"
    return cost + f", unchanged since {earlier}"


def verdict(row: dict, month: date, fmt: Formatter) -> str:
    """One sentence per entity that answers the CTO's question on its own."""
    name = row["name"]
    if not row.get("in_series"):
        return f"{name}: no ledger data for {fmt.month(month)}, so nothing to judge."
    components = row["components"]
    if not components:
        return (
            f"{name}: no stack.csv, so its software is not audited; "
            f"add data/{row['entity_id']}/stack.csv."
        )
    opened = row["open_stack_findings"]
    if not opened:
        audit = (
            "its one component passes every check"
            if components == 1
            else f"all {components} components pass every check"
        )
    else:
        which = "a" if opened == 1 else "the most severe a"
        audit = (
            f"{plural(opened, 'open finding')}, {which} {row['worst_severity']} one "
            f"({row['worst_title']}); {_passing(row['components_passing'], components)}"
        )
    return f"{name}: {audit}; {cost_phrase(row, month, fmt)}."


def _cost_bar_chart(rows: list[dict], month: date, fmt: Formatter) -> Chart | None:
    audited = sorted(
        (r for r in rows if r.get("components")), key=lambda r: -(r["software_cost"] or 0)
    )
    if not audited:
        return None
    earlier = months_back(month, 3).strftime("%b %Y")
    changes = [r.get("software_cost_change") for r in audited]
    png = bar_chart(
        f"Software cost per entity, {month.strftime('%b %Y')} (tick: {earlier})",
        [r["name"] for r in audited],
        floats(audited, "software_cost"),
        fmt.money_compact,
        good=[None if c is None else c <= 0 for c in changes],
        targets=floats(audited, "software_cost_3m_before"),
    )
    return Chart(
        "cost",
        "Software cost per entity",
        png,
        f"One bar per entity with a stack: its software cost in {fmt.month(month)}, labelled "
        f"with the amount; the tick marks its cost in {fmt.month(months_back(month, 3))}. A bar "
        "is red when the cost went up since then, green when it did not.",
    )


def _cost_history_chart(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Chart | None:
    history = query(conn, "reports/cto_cost_history", month=month)
    if len(history) < 2:
        return None
    # the year only where it changes, so twelve labels fit under the chart
    labels = month_labels([r["month"] for r in history], year="when it changes")
    series = [Series("Portfolio", floats(history, "software_cost"))]
    # compact, as every chart label (decision 39); the exact total is the headline's
    png = line_chart(
        "Software cost a month, all entities", labels, series, fmt.money_compact, zero_line=False
    )
    return Chart(
        "cost_history",
        "Software cost a month, all entities",
        png,
        f"One line: the software cost of every entity with a stack added up, month by month over "
        f"the {len(history)} months up to {fmt.month(month)}, labelled with the report month's "
        "total.",
    )


def build(
    conn: DuckDBPyConnection, config: ReportingConfig, month: date, entity_id: str | None = None
) -> Report:
    report = Report(SPEC, config, month)
    fmt = report.fmt
    entities = query(conn, "reports/cto_entities", month=month)
    portfolio = query(conn, "reports/cto_portfolio", month=month)[0]
    previous = query(conn, "reports/cto_portfolio", month=previous_month(month))[0]
    has_stack = bool(portfolio["components"])
    note = None if has_stack else "no stack.csv"

    report.headlines = [
        Headline(
            "Open stack findings",
            "integer",
            portfolio["open_stack_findings"],
            previous["open_stack_findings"],
            target=0,
            better="lower",
            glossary="open_stack_findings",
            note=note,
        ),
        Headline(
            "Critical findings",
            "integer",
            portfolio["critical_stack_findings"],
            previous["critical_stack_findings"],
            target=0,
            better="lower",
            glossary="critical_stack_findings",
            note=note,
        ),
        Headline(
            "Software cost this month",
            "money",
            portfolio["software_cost"],
            previous["software_cost"],
            better="lower",
            glossary="software_cost",
            note=note,
        ),
        Headline(
            "Dev-cycle gaps",
            "integer",
            portfolio["dev_cycle_gaps"],
            previous["dev_cycle_gaps"],
            target=0,
            better="lower",
            glossary="dev_cycle_gaps",
            note=note,
        ),
    ]
    report.verdicts = [verdict(row, month, fmt) for row in entities]

    audited = [r for r in entities if r.get("components")]
    unaudited = [r["name"] for r in entities if r.get("in_series") and not r.get("components")]
    if has_stack:
        report.sections = [
            _audit_section(conn, config, month, audited, unaudited, portfolio),
            _cost_section(conn, month, fmt, audited, portfolio),
            _dev_cycle_section(conn, month),
        ]
    else:
        report.sections = [
            Section("security", "Security audit", empty=NO_STACK),
            Section("costs", "Cost per component and entity", empty=NO_STACK),
            Section("dev_cycle", "UX and dev-cycle gaps", empty=NO_STACK),
        ]
    report.data = data_notes(conn, month, tables=("stack",))
    return report


def _audit_section(
    conn: DuckDBPyConnection,
    config: ReportingConfig,
    month: date,
    audited: list[dict],
    unaudited: list[str],
    portfolio: dict,
) -> Section:
    cto = config.cto
    lines = [
        _passing(portfolio["components_passing"], portfolio["components"]) + ".",
        f"Rules: MFA off (critical); no backups, TLS certificate expired or expiring within "
        f"{cto.tls_warning_days} days (high); no monitoring, no CI, dependencies not updated for "
        f"{cto.stale_dependencies_days} days (medium); no deploy for {cto.stale_deploy_days} days "
        "(low). SaaS components are run by their vendor: CI and monitoring are not asked of them.",
    ]
    if unaudited:
        lines.append(f"Not audited (no stack.csv): {', '.join(unaudited)}.")
    total = {"name": "Portfolio", **portfolio}
    findings = query(conn, "reports/findings", month=month, sources=["stack"])
    return Section(
        "security",
        "Security audit",
        lines=lines,
        tables=[
            Table(
                AUDIT_COLUMNS,
                audited,
                total=total,
                title="Stack audit per entity",
                key=("entity_id",),
                label=("name",),
            ),
            # a stack finding has no amount at stake
            findings_table(
                findings,
                config,
                without=("amount",),
                title="Findings",
                empty="No open stack findings, and none resolved this month.",
                attachment="stack_findings.csv",
            ),
        ],
    )


def _cost_section(
    conn: DuckDBPyConnection, month: date, fmt: Formatter, audited: list[dict], portfolio: dict
) -> Section:
    earlier = fmt.month(months_back(month, 3))
    lines = [
        f"A component's cost is what the ledger shows paid to its provider in {fmt.month(month)} "
        "(money out to a counterparty with the provider's name); a component with no such "
        "payment in any month shows the monthly cost listed in stack.csv (trend: no history). "
        f"Change: against {earlier}."
    ]
    by_cost = sorted(audited, key=lambda r: -(r["software_cost"] or 0))
    total = {"name": "Portfolio", **portfolio}
    components = query(conn, "reports/cto_components", month=month)
    section = Section(
        "costs",
        "Cost per component and entity",
        lines=lines,
        tables=[
            Table(
                ENTITY_COST_COLUMNS,
                by_cost,
                total=total,
                title="Per entity",
                key=("entity_id",),
                label=("name",),
            ),
            Table(
                COMPONENT_COST_COLUMNS,
                components,
                title="Per component, most expensive first",
                attachment="stack_costs.csv",
                key=("entity_id", "component"),
                label=("name", "component"),
            ),
        ],
    )
    for chart in (_cost_bar_chart(audited, month, fmt), _cost_history_chart(conn, month, fmt)):
        if chart:
            section.charts.append(chart)
    return section


def _dev_cycle_section(conn: DuckDBPyConnection, month: date) -> Section:
    rows = query(conn, "reports/cto_dev_cycle", month=month)
    vendor_run = query(conn, "reports/cto_vendor_run", month=month)[0]["vendor_run_components"]
    lines = [
        "Components each business runs itself, most gaps first: how long since the last deploy "
        "and dependency update, days until the TLS certificate expires (negative: expired, "
        "visitors see a warning), and whether CI and monitoring are in place."
    ]
    if vendor_run:
        lines.append(
            f"{plural(vendor_run, 'SaaS component')} run by their vendor "
            f"{'is' if vendor_run == 1 else 'are'} left out: the vendor builds, ships and "
            "watches them."
        )
    return Section(
        "dev_cycle",
        "UX and dev-cycle gaps",
        lines=lines,
        tables=[
            Table(
                DEV_CYCLE_COLUMNS,
                rows,
                title="Per component",
                empty="Every component is SaaS, run by its vendor: no delivery of your own to "
                "measure.",
                key=("entity_id", "component"),
                label=("name", "component"),
            )
        ],
    )


def verdict_clauses(report: Report) -> list[str]:
    """The CTO's subject: critical and open stack findings, the software cost and its change."""
    clauses = [
        figure_clause(report, "critical_stack_findings", "critical", change=False),
        figure_clause(report, "open_stack_findings", "open findings", change=False),
        figure_clause(report, "software_cost", "software"),
        figure_clause(report, "dev_cycle_gaps", "dev-cycle gaps", change=False),
    ]
    return [c for c in clauses if c]


SPEC = ReportSpec(
    report="cto",
    role="CTO",
    title="CTO report",
    persona="cto",
    entity_kind=None,
    build=build,
    module=__file__,
    doc=__doc__,
    shared_sql=("reports/findings",),
    verdict_clauses=verdict_clauses,
)
