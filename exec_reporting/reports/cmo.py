"""The CMO report: where customers can find each business, what each channel brings for what it
costs, which online travel agency to list on next, and the 30/60/90-day marketing milestones."""

from __future__ import annotations

from datetime import date

from duckdb import DuckDBPyConnection

from exec_reporting.charts import Series, bar_chart, line_chart
from exec_reporting.config import ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import (
    data_notes,
    figure_clause,
    floats,
    kpi_label,
    kpi_value,
    month_labels,
    plural,
    previous_month,
)
from exec_reporting.reports.model import Chart, Column, Headline, Report, Section, Table
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.sqlfiles import query

# The optional input files this report reads: data_notes names the entities that lack them.
OPTIONAL_TABLES = ("channels",)

TOTAL_COLUMNS = [
    Column("name", "Entity"),
    Column("listed_channels", "Listed", "integer", "listed"),
    Column("not_listed_on", "Not listed on"),
    Column("spend", "Spend", "money"),
    Column("bookings", "Bookings", "integer"),
    Column("channel_revenue", "Channel revenue", "money"),
    Column("cost_per_booking", "Cost/booking", "money"),
    Column("return_on_spend", "Return", "percent"),
    Column("revenue", "Entity revenue", "money"),
    Column("basis", "Basis"),
]

MATRIX_COLUMNS = [
    Column("channel", "Channel"),
    Column("listed", "Listed"),
    Column("spend", "Spend", "money"),
    Column("leads", "Leads", "integer"),
    Column("bookings", "Bookings", "integer"),
    Column("channel_revenue", "Channel revenue", "money"),
    Column("cost_per_booking", "Cost/booking", "money"),
    Column("return_on_spend", "Return", "percent"),
]

OTA_COLUMNS = [
    Column("ota_rank", "Order", "integer", position=True),
    Column("ota", "OTA"),
    Column("audience", "Audience", "integer"),
    Column("commission", "Commission", "percent"),
    Column("net_audience", "Net reach", "integer"),
    Column("ota_reason", "Why"),
]

MILESTONE_COLUMNS = [
    Column("milestone_id", "Id"),
    Column("milestone_status", "Status"),
    Column("milestone_due", "Due", "date"),
    Column("milestone", "Milestone"),
    Column("milestone_owner", "Owner"),
    Column("progress", "Progress"),
]

NO_CHANNELS = (
    "No channels.csv for any entity: add data/<entity>/channels.csv (see docs/data-contract.md)."
)


def verdict(entity: dict, totals: dict | None, fmt: Formatter, month: date) -> str:
    """One sentence per entity: where customers find it, what that brings, which channel next."""
    name = entity["name"]
    if not entity["in_series"]:
        return f"{name}: no data for {fmt.month(month)}."
    next_ota = entity["next_ota"]
    if not entity["has_channels"]:
        sentence = f"{name}: no channels.csv, so where customers find it is not known"
        if next_ota:
            sentence += f"; first OTA to list on: {next_ota}"
        return sentence + "."
    if totals is None:
        return f"{name}: no channels.csv rows for {fmt.month(month)}."
    sentence = (
        f"{name}: listed on {totals['listed_channels']} of {totals['channels']} channels; "
        f"{plural(totals['bookings'], 'booking')} and "
        f"{fmt.money_compact(totals['channel_revenue'])} channel revenue for "
        f"{fmt.money_compact(totals['spend'])} spend"
    )
    if entity["top_channel"]:
        sentence += (
            f"; {entity['top_channel']} sold the most "
            f"({fmt.money_compact(entity['top_channel_revenue'])})"
        )
    if next_ota:
        sentence += f"; list next on {next_ota}"
    elif entity["not_listed_on"]:
        sentence += f"; not yet on {entity['not_listed_on']}"
    else:
        sentence += "; listed on every channel it tracks"
    return sentence + "."


def _history_chart(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Chart | None:
    history = query(conn, "reports/cmo_channel_history", month=month)
    if not history:
        return None
    # the year only where it changes, so twelve labels fit under the chart
    labels = month_labels([r["month"] for r in history], year="when it changes")
    series = [
        Series("Revenue", floats(history, "channel_revenue")),
        Series("Spend", floats(history, "spend"), dashed=True),
    ]
    title = "Channel revenue and spend, last 12 months"
    png = line_chart(title, labels, series, fmt.money_compact)
    return Chart(
        "channel_history",
        title,
        png,
        "Two lines over the last 12 months, every entity's channels added up: the revenue the "
        "channels reported (solid) and what they cost (dashed), each labelled with its value "
        "in the report month.",
    )


def _return_chart(matrix: list[dict], fmt: Formatter, month: date) -> Chart | None:
    paid = sorted(
        (r for r in matrix if r["return_on_spend"] is not None),
        key=lambda r: r["return_on_spend"],
        reverse=True,
    )
    if not paid:
        return None
    title = f"Return on spend by paid channel, {fmt.month(month)}"
    png = bar_chart(
        title,
        [f"{r['name']} · {r['channel']}" for r in paid],
        floats(paid, "return_on_spend"),
        lambda v: fmt.percent(v, 0),
        good=[r["return_on_spend"] >= 0 for r in paid],
    )
    return Chart(
        "return_on_spend",
        title,
        png,
        "One bar per entity and channel that cost money in the month, largest return first, "
        "each labelled with (revenue - spend) / spend; green where the channel brought back "
        "more than it cost, red where it did not.",
    )


def _milestone(row: dict) -> str:
    """The milestone's title, naming its entity (or the portfolio) unless the title does."""
    name = row["name"] or "portfolio"
    if name.lower() in row["milestone"].lower():
        return row["milestone"]
    return f"{row['milestone']} ({name})"


def _progress(row: dict, fmt: Formatter) -> str:
    """What the data says about a milestone, in words."""
    parts = []
    if row["channel_listed"]:
        state = "listed" if row["listed"] else "not listed"
        parts.append(f"{state} on {row['channel_listed']}")
    if row["kpi"]:
        kpi, label = row["kpi"], kpi_label(row["kpi"])
        target = kpi_value(fmt, kpi, row["target"])
        if row["entity_id"] is None:
            parts.append(f"{label} target {target} (not judged for the portfolio)")
        else:
            parts.append(f"{label} {kpi_value(fmt, kpi, row['actual'])} of {target} target")
    if row["marked_done"]:
        parts.append("marked done in reporting.yaml")
    return "; ".join(parts) if parts else "no condition in the data"


def _channel_section(
    conn: DuckDBPyConnection,
    month: date,
    fmt: Formatter,
    entities: list[dict],
    totals: list[dict],
    portfolio: dict,
) -> Section:
    section = Section("channels", "Channel visibility matrix")
    matrix = query(conn, "reports/cmo_matrix", month=month)
    if not matrix:
        has_any = any(e["has_channels"] for e in entities)
        section.empty = (
            f"No channels.csv rows for {fmt.month(month)}: add them to data/<entity>/channels.csv "
            "(see docs/data-contract.md)."
            if has_any
            else NO_CHANNELS
        )
        return section
    section.lines.append(
        "Spend, leads, bookings and channel revenue as each entity's channels.csv reports them. "
        "Return on spend is (channel revenue - spend) / spend; totals count paid channels only."
    )
    section.lines.append(
        "Entity revenue is the business's revenue on its basis (cash: when received; accrual: "
        "when earned), the figure every report shows as its revenue; channel revenue is what "
        "the channels report selling, and is no bridge to it."
    )
    missing = [e["name"] for e in entities if not e["has_channels"]]
    if missing:
        section.lines.append(
            f"No channels.csv for {', '.join(missing)}: add data/<entity>/channels.csv to see "
            "their channels."
        )
    names = {e["entity_id"]: e for e in entities}
    entity_rows = [
        {**t, "name": names[t["entity_id"]]["name"], "not_listed_on": _not_listed(names, t)}
        for t in totals
    ]
    section.tables.append(
        Table(
            TOTAL_COLUMNS,
            entity_rows,
            total={
                "name": "Portfolio",
                **portfolio,
                "not_listed_on": f"{plural(portfolio['unlisted_channels'], 'channel')} in all",
            },
            title="Per entity, by revenue",
            attachment="channels_by_entity.csv",
            key=("entity_id",),
            label=("name",),
        )
    )
    # then each entity's channels, in the order of the table above (the query's order)
    for entity in entities:
        rows = [
            {**r, "listed": "yes" if r["listed"] else "no"}
            for r in matrix
            if r["entity_id"] == entity["entity_id"]
        ]
        if rows:
            section.tables.append(
                Table(MATRIX_COLUMNS, rows, title=f"{entity['name']}: channels by revenue")
            )
    for chart in (_return_chart(matrix, fmt, month), _history_chart(conn, month, fmt)):
        if chart:
            section.charts.append(chart)
    return section


def _not_listed(names: dict, totals: dict) -> str:
    return names[totals["entity_id"]]["not_listed_on"] or "none"


def _ota_section(conn: DuckDBPyConnection, config: ReportingConfig, month: date) -> Section:
    section = Section("ota_sequence", "OTA sequencing")
    otas = config.cmo.otas
    if not otas:
        section.empty = (
            "No OTAs configured: add cmo.otas (name, commission, audience, kinds) to "
            "reporting.yaml."
        )
        return section
    kinds = sorted({kind for ota in otas for kind in ota.kinds})
    if not any(entity.kind in kinds for entity in config.entities):
        section.empty = (
            f"No entity of a kind the configured OTAs suit ({', '.join(kinds)}): nothing to "
            "sequence."
        )
        return section
    rows = query(conn, "reports/cmo_ota_sequence", month=month)
    if not rows:
        section.empty = (
            f"Every {' or '.join(kinds)} entity is listed on every configured OTA in "
            f"{Formatter(config.currency, config.locale).month(month)}."
        )
        return section
    section.lines.append(
        "The online travel agencies each entity is not listed on yet, in the order to add "
        "them: largest audience net of commission (audience x (1 - commission), from "
        "reporting.yaml cmo.otas) first. A channel counts as listed when its channels.csv row "
        "for the month says yes."
    )
    for entity_id in dict.fromkeys(r["entity_id"] for r in rows):
        mine = [r for r in rows if r["entity_id"] == entity_id]
        section.tables.append(
            Table(
                OTA_COLUMNS, mine, title=f"{mine[0]['name']}: OTAs to add, in order", key=("ota",)
            )
        )
    return section


def _milestone_section(
    conn: DuckDBPyConnection, config: ReportingConfig, month: date, fmt: Formatter
) -> Section:
    section = Section("milestones", "30/60/90-day milestones")
    if not config.cmo.milestones:
        section.empty = (
            "No milestones configured: add cmo.milestones (title, entity, due, owner, and "
            "channel_listed or metric and target) to reporting.yaml."
        )
        return section
    rows = query(conn, "reports/cmo_milestones", month=month)
    if not rows:
        section.empty = f"No milestone falls in an entity's data for {fmt.month(month)}."
        return section
    counts = query(conn, "reports/cmo_milestone_counts", month=month)[0]
    section.lines.append(
        f"{counts['done']} of {plural(counts['milestones'], 'milestone')} done, "
        f"{counts['overdue']} overdue, {counts['due_30']} due in the next 30 days. A milestone "
        "is done when marked so in reporting.yaml or when the month's data shows it; the "
        "windows count from the month's last day."
    )
    shaped = [{**r, "milestone": _milestone(r), "progress": _progress(r, fmt)} for r in rows]
    section.tables.append(
        Table(MILESTONE_COLUMNS, shaped, title="Most pressing first", attachment="milestones.csv")
    )
    return section


def build(
    conn: DuckDBPyConnection, config: ReportingConfig, month: date, entity_id: str | None = None
) -> Report:
    report = Report(SPEC, config, month)
    fmt = report.fmt
    entities = query(conn, "reports/cmo_entities", month=month)
    totals_rows = query(conn, "reports/cmo_totals", month=month)
    previous_rows = query(conn, "reports/cmo_totals", month=previous_month(month))
    portfolio = next(r for r in totals_rows if r["is_portfolio"])
    previous = next(r for r in previous_rows if r["is_portfolio"])
    totals = [r for r in totals_rows if not r["is_portfolio"]]
    counts = query(conn, "reports/cmo_milestone_counts", month=month)[0]
    previous_counts = query(conn, "reports/cmo_milestone_counts", month=previous_month(month))[0]

    report.headlines = [
        Headline(
            "Channels listed",
            "integer",
            portfolio["listed_channels"] if portfolio["channels"] else None,
            previous["listed_channels"] if previous["channels"] else None,
            glossary="listed",
            note="no channel data",
        ),
        Headline(
            "Bookings from channels",
            "integer",
            portfolio["bookings"],
            previous["bookings"],
            better="higher",
            glossary="bookings",
            note="no channel data",
        ),
        Headline(
            "Cost per paid booking",
            "money",
            portfolio["cost_per_booking"],
            previous["cost_per_booking"],
            better="lower",
            glossary="cost_per_booking",
            note="no paid bookings",
        ),
        Headline(
            "Return on paid spend",
            "percent",
            portfolio["return_on_spend"],
            previous["return_on_spend"],
            better="higher",
            glossary="return_on_spend",
            note="no spend",
        ),
    ]
    if counts["milestones"]:
        report.headlines.append(
            Headline(
                "Milestones overdue",
                "integer",
                counts["overdue"],
                previous_counts["overdue"] if previous_counts["milestones"] else None,
                target=0,
                better="lower",
                glossary="milestone_status",
            )
        )

    by_entity = {t["entity_id"]: t for t in totals}
    report.verdicts = [verdict(e, by_entity.get(e["entity_id"]), fmt, month) for e in entities]
    report.sections = [
        _channel_section(conn, month, fmt, entities, totals, portfolio),
        _ota_section(conn, config, month),
        _milestone_section(conn, config, month, fmt),
    ]
    report.data = data_notes(conn, month, tables=OPTIONAL_TABLES)
    return report


def verdict_clauses(report: Report) -> list[str]:
    """The CMO's subject: bookings and their change, the channel that sold the most, the
    return on paid spend, overdue milestones."""
    clauses = [figure_clause(report, "bookings", "bookings")]
    # the channel that sold the most, over every entity's channel table
    sold = [
        row
        for table in report.tables
        for row in table.rows
        if "channel" in row and row.get("channel_revenue")
    ]
    if sold:
        best = max(sold, key=lambda row: row["channel_revenue"])
        revenue = report.fmt.money_compact(best["channel_revenue"])
        clauses.append(f"best {best['channel']} {revenue}")
    clauses += [
        figure_clause(report, "return_on_spend", "return on spend", change=False),
        figure_clause(report, "milestone_status", "milestones overdue", change=False),
    ]
    return [c for c in clauses if c]


SPEC = ReportSpec(
    report="cmo",
    role="CMO",
    title="CMO report",
    persona="cmo",
    entity_kind=None,
    build=build,
    module=__file__,
    doc=__doc__,
    verdict_clauses=verdict_clauses,
)
