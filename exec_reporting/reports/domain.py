"""What the three domain reports (rental, logistics, agency) share: the entity a report is about,
the lines a section says when the data is missing, the entity's findings, and the bridge from
the report's operational figure (trip revenue, rent due, amount billed) to the entity's revenue.

A domain report is about one entity; the asset builds one per entity of the report's kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from duckdb import DuckDBPyConnection

from exec_reporting.config import Entity, ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import (
    against_budget,
    data_notes,
    findings_table,
    previous_month,
)
from exec_reporting.reports.model import Column, DataNotes, Headline, Report, Section, Table
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.sqlfiles import query

# Every finding source: a domain report shows all of its entity's findings.
FINDING_SOURCES = ("invoice", "expense", "stack", "revenue_recognition", "chart")


def domain_report(
    spec: ReportSpec, config: ReportingConfig, month: date, entity_id: str | None
) -> tuple[Report, Entity | None]:
    """The report model for one entity. Without an entity id, the first entity the report is
    about (None when reporting.yaml has none of its kind: the report then says so)."""
    wanted = entity_id or next(iter(spec.entities(config)), None)
    entity = next((e for e in config.entities if e.id == wanted), None)
    report = Report(
        spec,
        config,
        month,
        entity.id if entity else entity_id,
        entity.name if entity else None,
    )
    return report, entity


def no_entity_section(kind: str | None) -> Section:
    return Section(
        "entity",
        "Entity",
        empty=f"No entity of kind {kind} in reporting.yaml: add one to get this report.",
    )


def no_month_line(entity: Entity, month: date, data: DataNotes, fmt: Formatter) -> str:
    """Said by every section when the entity has no data for the report month."""
    last = next((e.last_ledger_date for e in data.as_of if e.entity_id == entity.id), None)
    ends = f" (its ledger ends {last.isoformat()})" if last else " (it has no ledger lines)"
    return f"No ledger data for {entity.name} in {fmt.month(month)}{ends}."


@dataclass
class Opening:
    """What every domain builder starts from."""

    report: Report
    entity: Entity | None
    data: DataNotes  # the report's notes on the data (report.data)
    # this month's figures; None when the report is already complete (no entity of its kind,
    # or no data for the month: each section says so)
    row: dict[str, Any] | None = None
    previous: dict[str, Any] = field(default_factory=dict)


def open_report(
    conn: DuckDBPyConnection,
    spec: ReportSpec,
    config: ReportingConfig,
    month: date,
    entity_id: str | None,
    *,
    tables: tuple[str, ...],
    month_sql: str,
    sections: tuple[tuple[str, str], ...],
    missing: tuple[str, str] | None = None,
) -> Opening:
    """The report for one entity with its notes on the data, and the month's and last month's
    row of `month_sql`. Without them, every section of `sections` ((key, title; "{month}" in a
    title is the report month)) says why in one line: the file that would fill it (`missing`:
    (table, what it holds)) or the data's end."""
    report, entity = domain_report(spec, config, month, entity_id)
    report.data = data = data_notes(conn, month, tables=tables, entity_id=report.entity_id)
    if entity is None:
        report.sections = [no_entity_section(spec.entity_kind)]
        return Opening(report, None, data)
    this = query(conn, month_sql, entity_id=entity.id, month=month)
    if not this:
        if missing and missing_file(data, entity, missing[0]):
            line = missing_file_line(entity, *missing)
        else:
            line = no_month_line(entity, month, data, report.fmt)
        report.verdicts = [line]
        label = report.fmt.month(month)
        report.sections = [
            Section(key, title.format(month=label), empty=line) for key, title in sections
        ]
        return Opening(report, entity, data)
    last = query(conn, month_sql, entity_id=entity.id, month=previous_month(month))
    return Opening(report, entity, data, this[0], last[0] if last else {})


def missing_file(data: DataNotes, entity: Entity, table: str) -> bool:
    return f"{entity.id}/{table}.csv" in data.missing_files


def missing_file_line(entity: Entity, table: str, what: str) -> str:
    """One line naming the file that would fill a section."""
    return (
        f"No {table}.csv for {entity.name}: add data/{entity.id}/{table}.csv with {what} "
        "(see docs/data-contract.md)."
    )


def findings_section(
    conn: DuckDBPyConnection,
    config: ReportingConfig,
    month: date,
    entity: Entity,
    title: str = "Findings",
    sources: tuple[str, ...] = FINDING_SOURCES,
    key: str = "findings",
    none: str = "No open or resolved findings",
) -> Section:
    """The entity's findings of the month from the given sources, newest and largest first."""
    rows = [
        r
        for r in query(conn, "reports/findings", month=month, sources=list(sources))
        if r["entity_id"] == entity.id
    ]
    return Section(
        key,
        title,
        tables=[findings_table(rows, config, without=("entity",))] if rows else [],
        empty=None if rows else f"{none} for {entity.name} this month.",
    )


# -- the revenue bridge -------------------------------------------------------------------------

# The SQL files of the bridge and of the revenue's budget: a domain report's spec declares them
# as shared.
BRIDGE_SQL = ("reports/revenue_bridge", "reports/revenue_bridge_lines", "reports/revenue_budget")
BRIDGE_COLUMNS = [
    Column("line", "Line", glossary=None),
    Column("amount", "Amount", "money", glossary=None),
]
# Ids named in one line of a bridge before "and N more".
BRIDGE_IDS_SHOWN = 4


@dataclass(frozen=True)
class BridgeWords:
    """How a domain report names its operational figure and the items of its bridge lines."""

    figure: str  # the first row: "Trip revenue, trips departing in {month}"
    name: str  # the figure in a title: "trip revenue"
    figure_event: str  # the revenue event the figure counts: "service" or "issue"
    booking: tuple[str, str]  # a booking, and the word for when it is earned: ("Trip", "delivered")
    invoice: tuple[str, str] = ("Invoice", "issued")
    # a line of one item names the day it is earned ("delivered on Oct 25"); rent is earned for
    # a month ("due in November"), whose first day says less
    dated: bool = True


def revenue_row(conn: DuckDBPyConnection, entity: Entity, month: date) -> dict[str, Any]:
    """The entity's metrics.revenue row for the month (empty before its series), with its
    `budget`: the month's revenue line of budget.csv as metrics.budget_variance compares it
    (reports/revenue_budget), or None."""
    found = query(conn, "reports/revenue_bridge", entity_id=entity.id, month=month)
    if not found:
        return {}
    budget = query(conn, "reports/revenue_budget", entity_id=entity.id, month=month)
    return {**found[0], "budget": budget[0] if budget else None}


def revenue_headline(revenue: dict[str, Any], previous: dict[str, Any]) -> Headline:
    """The entity's revenue on its basis, as metrics.revenue gives it, the basis in the label,
    with the month's budget when budget.csv has one."""
    budget = revenue.get("budget")
    return Headline(
        f"Revenue ({revenue['basis']} basis)",
        "money",
        revenue["revenue"],
        previous.get("revenue"),
        better="higher",
        glossary="revenue",
        budget=budget["budget"] if budget else None,
    )


def budget_line(revenue: dict[str, Any], month: date, fmt: Formatter) -> str | None:
    """The revenue against the month's budget in one line, when budget.csv has one: every domain
    report says it in its bridge section, beside the revenue it ends on."""
    budget = revenue.get("budget")
    if not budget:
        return None
    figures = against_budget(revenue["revenue"], budget, month, fmt)
    return f"Against budget: revenue ({revenue['basis']} basis) {figures}."


def _ids(item_ids: str | None, items: int) -> str:
    ids = (item_ids or "").split(", ")
    shown = ", ".join(ids[:BRIDGE_IDS_SHOWN])
    return shown + (f" and {items - BRIDGE_IDS_SHOWN} more" if items > BRIDGE_IDS_SHOWN else "")


def _bridge_line(line: dict[str, Any], words: BridgeWords, month: date, fmt: Formatter) -> str:
    """The words of one bridge line (a row of reports/revenue_bridge_lines)."""
    what, this_month = line["what"], fmt.month(month)
    if what == "on_receipt":
        return "Revenue no booking or invoice accounts for (interest earned, other sales)"
    if what == "unexplained":
        return "Bank lines the exports do not explain (the bridge_closes check counts them)"
    noun, earned = words.booking if line["item_type"] == "booking" else words.invoice
    items = f"{noun}{'s' if line['items'] != 1 else ''} {_ids(line['item_ids'], line['items'])}"
    when = fmt.month(line["earned_month"]) if line["earned_month"] else "a later month"
    if line["earned_on"] and words.dated:
        when = fmt.date(line["earned_on"])
        earned += " on"
    else:
        earned += " in"
    if what == "booking":
        return f"{items}, {earned} {when}"
    if what == "invoice":
        return f"{items}, issued in {this_month}"
    if what == "refund":
        return f"Refunds on {items}, paid back in {this_month}"
    if what == "cancellation":
        return f"Payments kept on cancelled {items}"
    if what == "receivable_up":
        return f"{items}, {earned} {when}, not yet paid: receivable increase"
    if what == "receivable_down":
        return f"{items}, {earned} {when}, paid in {this_month}: receivable collected"
    if what == "deferred_up":
        return f"{items}, {earned} {when}, paid in {this_month}: deferred"
    return f"{items}, paid before {this_month} and {earned} {when}: deferred released"


def revenue_bridge_section(
    conn: DuckDBPyConnection,
    entity: Entity,
    month: date,
    figure: Any,
    words: BridgeWords,
    fmt: Formatter,
) -> Section:
    """The bridge from the report's operational figure to the entity's revenue on its basis
    (metrics.revenue), and on the accrual basis the bridge from the cash received to it: each a
    table of lines that add up, to the cent, to its last row, the revenue."""
    revenue = revenue_row(conn, entity, month)
    section = Section("revenue_bridge", "From the figures of this report to revenue")
    if not revenue:
        section.empty = f"No revenue figures for {entity.name} in {fmt.month(month)}."
        return section
    basis, this_month = revenue["basis"], fmt.month(month)
    lines = query(
        conn,
        "reports/revenue_bridge_lines",
        entity_id=entity.id,
        month=month,
        figure_event=words.figure_event,
    )
    earned = [line for line in lines if line["bridge"] == "earned"]
    timing = [line for line in lines if line["bridge"] == "timing"]
    last = {"line": f"Revenue ({basis} basis)", "amount": revenue["revenue"]}
    figure_row = {"line": words.figure.format(month=this_month), "amount": figure}
    rows = [figure_row] + [
        {"line": _bridge_line(line, words, month, fmt), "amount": line["amount"]} for line in earned
    ]
    if basis == "accrual":
        section.lines.append(
            f"{entity.name} counts revenue on the accrual basis (reporting.yaml `basis`): when it "
            "is earned, a trip or charter on its service date, rent in the month it is due, an "
            "invoice when issued. Every report shows this figure as its revenue."
        )
    else:
        section.lines.append(
            f"{entity.name} counts revenue on the cash basis (reporting.yaml `basis`): when the "
            "money arrives. Every report shows this figure as its revenue; the lines after what "
            "was earned are the cash that came in earlier or later than it was earned."
        )
        # the timing lines walk from earned to received: each the other way round
        rows += [
            {
                "line": _bridge_line(line, words, month, fmt),
                "amount": -line["amount"],
            }
            for line in timing
        ]
    against = budget_line(revenue, month, fmt)
    if against:
        section.lines.append(against)
    section.tables.append(
        Table(
            BRIDGE_COLUMNS,
            [*rows, last],
            title=f"From {words.name} to revenue",
            key=("line",),
        )
    )
    if basis == "accrual":
        cash = {
            "line": f"Cash received from customers in {this_month} (the bank's revenue lines)",
            "amount": revenue["cash_received"],
        }
        cash_rows = [
            {"line": _bridge_line(line, words, month, fmt), "amount": line["amount"]}
            for line in timing
        ]
        section.lines.append(
            "The second table goes from the cash the bank received to the same revenue: money "
            "received ahead of the service is deferred, revenue earned and not yet paid is a "
            "receivable."
        )
        section.tables.append(
            Table(
                BRIDGE_COLUMNS,
                [cash, *cash_rows, last],
                title="From cash received to revenue",
                key=("line",),
            )
        )
    return section
