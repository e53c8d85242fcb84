"""The Client portfolio report: who owes what and for how long, how many days of billing are
outstanding, which hours went unbilled and what each client really pays per hour. One report
per entity of kind agency."""

from __future__ import annotations

from datetime import date

from duckdb import DuckDBPyConnection

from exec_reporting.charts import Series, bar_chart, line_chart
from exec_reporting.config import Entity, ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import (
    MONTH_COLUMN,
    as_float,
    compact_part,
    figure_clause,
    floats,
    month_end,
    month_labels,
)
from exec_reporting.reports.domain import (
    BRIDGE_SQL,
    FINDING_SOURCES,
    BridgeWords,
    findings_section,
    missing_file,
    missing_file_line,
    open_report,
    revenue_bridge_section,
)
from exec_reporting.reports.model import Chart, Column, Headline, Report, Section, Table
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.sqlfiles import query

TABLE_MONTHS = 12
BRIDGE_WORDS = BridgeWords(
    figure="Billed in {month}: invoices issued",
    name="the amount billed",
    figure_event="issue",
    booking=("Booking", "served"),
)
INVOICES_WHAT = "one row per invoice (amount 0.00 for hours worked but not billed)"
BUCKETS = (
    ("ar_current", "Current"),
    ("ar_1_30", "1-30 days"),
    ("ar_31_60", "31-60 days"),
    ("ar_61_90", "61-90 days"),
    ("ar_over_90", "Over 90 days"),
)

AGING_COLUMNS = [
    Column("client", "Client"),
    *(Column(key, label, "money", key) for key, label in BUCKETS),
    Column("open_balance", "Owed", "money"),
]

INVOICE_COLUMNS = [
    Column("invoice_id", "Invoice"),
    Column("client", "Client"),
    Column("due_on", "Due", "date"),
    Column("invoice_amount", "Invoiced", "money"),
    Column("open_balance", "Owed", "money"),
    Column("days_past_due", "Days late", "integer"),
    Column("aging_bucket", "Aging"),
]

DSO_COLUMNS = [
    MONTH_COLUMN,
    Column("receivables", "Receivables", "money"),
    Column("overdue_balance", "Overdue", "money"),
    Column("billed", "Billed", "money"),
    Column("billed_3m", "Billed, 3 months", "money"),
    Column("dso", "DSO (days)", "number"),
    Column("unbilled_hours", "Unbilled hours", "number"),
]

CLIENT_COLUMNS = [
    Column("client", "Client"),
    Column("billed_12m", "Billed", "money"),
    Column("billed_hours_12m", "Hours", "number"),
    Column("unbilled_hours_12m", "Unbilled", "number"),
    Column("effective_rate", "Per hour", "money"),
    Column("open_balance", "Owed", "money"),
    Column("overdue_balance", "Overdue", "money"),
]

UNBILLED_COLUMNS = [
    Column("client", "Client"),
    Column("invoice_id", "Invoice"),
    Column("unbilled_hours", "Hours", "number"),
]


def verdict(entity: Entity, row: dict, aging: list[dict], fmt: Formatter) -> str:
    """One sentence that answers the owner's question about the client portfolio on its own."""
    if not row["receivables"]:
        sentence = f"{entity.name}: clients owe nothing at month end"
    elif not row["overdue_balance"]:
        owed = fmt.money_compact(row["receivables"])
        sentence = f"{entity.name}: clients owe {owed}, none of it overdue"
    else:
        count = row["overdue_invoices"]
        sentence = (
            f"{entity.name}: clients owe {fmt.money_compact(row['receivables'])}, "
            f"{compact_part(fmt, row['overdue_balance'], row['receivables'])} of it overdue on "
            f"{count} invoice{'s' if count != 1 else ''}"
        )
        oldest = aging[0] if aging else None
        if oldest:
            sentence += (
                f"; {oldest['client']} owes {fmt.money_compact(oldest['open_balance'])}, "
                f"the oldest of it {oldest['oldest_days_past_due']} days past due"
            )
    if row["dso"] is not None:
        sentence += f"; {fmt.number(row['dso'], 1)} days sales outstanding"
    if row["unbilled_hours"]:
        sentence += (
            f"; {fmt.number(row['unbilled_hours'], 1)} hours worked but not billed this month"
        )
    return sentence + "."


def _headlines(row: dict, prev: dict) -> list[Headline]:
    return [
        Headline(
            "Receivables",
            "money",
            row["receivables"],
            prev.get("receivables"),
            glossary="receivables",
        ),
        Headline(
            "Overdue",
            "money",
            row["overdue_balance"],
            prev.get("overdue_balance"),
            better="lower",
            glossary="overdue_balance",
        ),
        Headline(
            "Days sales outstanding",
            "number",
            row["dso"],
            prev.get("dso"),
            better="lower",
            glossary="dso",
            note="nothing billed",
        ),
        Headline(
            "Unbilled hours",
            "number",
            row["unbilled_hours"],
            prev.get("unbilled_hours"),
            better="lower",
            glossary="unbilled_hours",
        ),
        Headline(
            "Effective hourly rate, 12 months",
            "money",
            row["effective_rate"],
            prev.get("effective_rate"),
            better="higher",
            glossary="effective_rate",
            note="no hours",
        ),
    ]


def _aging_chart(row: dict, entity: Entity, month: date, fmt: Formatter) -> Chart:
    title = f"Receivables by age, {month_end(month).isoformat()}"
    png = bar_chart(
        title,
        [label for _, label in BUCKETS],
        [as_float(row[key]) for key, _ in BUCKETS],
        fmt.money_compact,
        good=[key == "ar_current" for key, _ in BUCKETS],
    )
    return Chart(
        "aging",
        title,
        png,
        f"What {entity.name}'s clients owe at month end by days past due: not due yet (green), "
        "1-30, 31-60, 61-90 and over 90 days past due (red).",
    )


def _dso_chart(history: list[dict], entity: Entity) -> Chart | None:
    months = history[::-1]
    if not any(r["dso"] is not None for r in months):
        return None
    title = f"Days sales outstanding, last {len(months)} months"
    png = line_chart(
        title,
        month_labels([r["month"] for r in months], year="past a year"),
        [Series("DSO", floats(months, "dso"))],
        lambda v: f"{v:.0f} days",
    )
    return Chart(
        "dso",
        title,
        png,
        f"How many days of billing {entity.name}'s clients owed at each month end over the last "
        f"{len(months)} months; a rising line means clients pay more slowly.",
    )


def _aging_section(
    conn: DuckDBPyConnection,
    entity: Entity,
    month: date,
    row: dict,
    fmt: Formatter,
    no_invoices: bool,
) -> Section:
    section = Section("aging", "Receivables aging")
    if no_invoices:
        section.empty = missing_file_line(entity, "invoices", INVOICES_WHAT)
        return section
    if not row["receivables"]:
        section.empty = f"Clients owed nothing at {month_end(month).isoformat()}."
        return section
    aging = query(conn, "reports/agency_aging", entity_id=entity.id, month=month)
    invoices = query(conn, "reports/agency_invoices", entity_id=entity.id, month=month)
    section.lines.append(
        f"Owed at {month_end(month).isoformat()}, by days past the due date; a partial payment "
        "leaves the rest owed. Oldest debts first."
    )
    section.charts.append(_aging_chart(row, entity, month, fmt))
    section.tables.append(
        Table(
            AGING_COLUMNS,
            aging,
            total={**row, "client": "Total", "open_balance": row["receivables"]},
            title="By client",
            attachment="aging.csv",
        )
    )
    section.tables.append(
        Table(
            INVOICE_COLUMNS,
            invoices,
            total={"invoice_id": "Total", "open_balance": row["receivables"]},
            title="Invoices with money owed",
        )
    )
    return section


def _clients_section(
    conn: DuckDBPyConnection, entity: Entity, month: date, fmt: Formatter, no_invoices: bool
) -> Section:
    section = Section("clients", "Clients: billing, hours and rate")
    if no_invoices:
        section.empty = missing_file_line(entity, "invoices", INVOICES_WHAT)
        return section
    clients = query(conn, "reports/agency_clients", entity_id=entity.id, month=month)
    if not clients:
        section.empty = "No client invoiced in the last 12 months and none owing money."
        return section
    total = query(conn, "reports/agency_clients_total", entity_id=entity.id, month=month)[0]
    section.lines.append(
        "Over the last 12 months, largest accounts first. The rate per hour is the billed "
        "amount over every hour worked, unbilled hours included."
    )
    section.tables.append(
        Table(
            CLIENT_COLUMNS,
            clients,
            total={**total, "client": "Total"},
            attachment="clients.csv",
        )
    )
    unbilled = query(conn, "reports/agency_unbilled", entity_id=entity.id, month=month)
    if unbilled:
        section.tables.append(
            Table(
                UNBILLED_COLUMNS,
                unbilled,
                title=f"Hours worked but not billed in {fmt.month(month)}",
                key=("invoice_id",),
                label=("client", "invoice_id"),
            )
        )
    else:
        section.lines.append(f"No unbilled hours recorded in {fmt.month(month)}.")
    return section


def build(
    conn: DuckDBPyConnection, config: ReportingConfig, month: date, entity_id: str | None = None
) -> Report:
    opening = open_report(
        conn,
        SPEC,
        config,
        month,
        entity_id,
        tables=("invoices",),
        month_sql="reports/agency_month",
        sections=(
            ("aging", "Receivables aging"),
            ("dso", "Days sales outstanding"),
            ("revenue_bridge", "From the figures of this report to revenue"),
            ("clients", "Clients: billing, hours and rate"),
        ),
        missing=("invoices", INVOICES_WHAT),
    )
    report, entity, row, prev = opening.report, opening.entity, opening.row, opening.previous
    if entity is None:
        return report
    fmt = report.fmt
    no_invoices = missing_file(opening.data, entity, "invoices")
    if row is None:
        report.sections.append(_other_findings(conn, config, month, entity))
        return report
    aging = query(conn, "reports/agency_aging", entity_id=entity.id, month=month)

    report.headlines = _headlines(row, prev)
    report.verdicts = [verdict(entity, row, aging, fmt)]

    history = query(
        conn, "reports/agency_history", entity_id=entity.id, month=month, months=TABLE_MONTHS
    )
    dso = Section(
        "dso",
        "Days sales outstanding",
        lines=[
            "Days sales outstanding: receivables at month end / billed in the last 3 months x "
            "the days of those 3 months."
        ],
        tables=[Table(DSO_COLUMNS, history)],
    )
    chart = _dso_chart(history, entity)
    if chart:
        dso.charts.append(chart)

    report.sections = [
        _aging_section(conn, entity, month, row, fmt, no_invoices),
        findings_section(
            conn,
            config,
            month,
            entity,
            title="Overdue invoices",
            sources=("invoice",),
            key="overdue",
            none="No overdue invoice",
        ),
        dso,
        revenue_bridge_section(conn, entity, month, row["billed"], BRIDGE_WORDS, fmt),
        _clients_section(conn, entity, month, fmt, no_invoices),
        _other_findings(conn, config, month, entity),
    ]
    return report


def _other_findings(
    conn: DuckDBPyConnection, config: ReportingConfig, month: date, entity: Entity
) -> Section:
    return findings_section(
        conn,
        config,
        month,
        entity,
        title="Other findings",
        sources=tuple(s for s in FINDING_SOURCES if s != "invoice"),
        key="other_findings",
        none="No other open or resolved findings",
    )


def verdict_clauses(report: Report) -> list[str]:
    """An agency's subject: what clients owe overdue, all they owe, days sales outstanding."""
    clauses = [
        figure_clause(report, "overdue_balance", "overdue"),
        figure_clause(report, "receivables", "owed", change=False),
        figure_clause(report, "dso", "DSO", change=False),
    ]
    return [c for c in clauses if c]


SPEC = ReportSpec(
    report="agency",
    role="Client Portfolio",
    title="Client portfolio report",
    persona="ceo",
    entity_kind="agency",
    build=build,
    module=__file__,
    doc=__doc__,
    shared_sql=("reports/findings", *BRIDGE_SQL),
    verdict_clauses=verdict_clauses,
)
