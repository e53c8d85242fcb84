"""The Yacht delivery report: how many trips, what each earned per trip and per nautical mile,
what fuel and crew cost, and what is left after the overhead no trip carries. One report per
entity of kind logistics."""

from __future__ import annotations

from datetime import date

from duckdb import DuckDBPyConnection

from exec_reporting.charts import Series, bar_chart, line_chart
from exec_reporting.config import Entity, ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import (
    MONTH_COLUMN,
    compact_part,
    figure_clause,
    floats,
    month_labels,
    previous_month,
)
from exec_reporting.reports.domain import (
    BRIDGE_SQL,
    BridgeWords,
    findings_section,
    missing_file,
    missing_file_line,
    open_report,
    revenue_bridge_section,
    revenue_headline,
    revenue_row,
)
from exec_reporting.reports.model import Chart, Column, Headline, Report, Section, Table
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.sqlfiles import query

TABLE_MONTHS = 12
BOOKINGS_WHAT = "one confirmed booking per trip, its nautical miles in quantity"
BRIDGE_WORDS = BridgeWords(
    figure="Trip revenue, trips departing in {month}",
    name="trip revenue",
    figure_event="service",
    booking=("Trip", "delivered"),
)

TRIP_COLUMNS = [
    Column("trip_id", "Trip"),
    Column("departs_on", "Departs", "date"),
    Column("nautical_miles", "nm", "number"),
    Column("trip_revenue", "Trip revenue", "money"),
    Column("fuel_cost", "Fuel", "money"),
    Column("crew_cost", "Crew", "money"),
    Column("other_trip_cost", "Other", "money"),
    Column("trip_margin", "Margin", "money"),
    Column("trip_margin_pct", "Margin %", "percent"),
    Column("margin_per_nm", "Per nm", "money"),
]

MONTH_COLUMNS = [
    MONTH_COLUMN,
    Column("trips", "Trips", "integer"),
    Column("nautical_miles", "nm", "number"),
    Column("trip_revenue", "Trip revenue", "money"),
    Column("trip_margin", "Trip margin", "money"),
    Column("margin_per_trip", "Per trip", "money"),
    Column("margin_per_nm", "Per nm", "money"),
    Column("overhead", "Overhead", "money"),
    Column("result_after_overhead", "Result", "money"),
]

COST_COLUMNS = [
    MONTH_COLUMN,
    Column("fuel_cost", "Fuel", "money"),
    Column("crew_cost", "Crew", "money"),
    Column("other_trip_cost", "Other", "money"),
    Column("trip_cost", "Trip costs", "money"),
    Column("cost_per_nm", "Cost per nm", "money"),
]

DISTANCE_COLUMNS = [
    Column("distance", "Distance"),
    Column("trips", "Trips", "integer"),
    Column("nautical_miles", "nm", "number"),
    Column("trip_revenue", "Trip revenue", "money"),
    Column("trip_margin", "Trip margin", "money"),
    Column("trip_margin_pct", "Margin %", "percent"),
    Column("margin_per_trip", "Per trip", "money"),
    Column("margin_per_nm", "Per nm", "money"),
    Column("losing_trips", "Lost money", "integer"),
]


def verdict(
    entity: Entity, row: dict, revenue: dict, month: date, losses: list[dict], fmt: Formatter
) -> str:
    """One sentence that answers the owner's question about the delivery business on its own."""
    if not row["trips"]:
        sentence = f"{entity.name}: no trip departed in {fmt.month(month)}"
    else:
        miles = row["nautical_miles"]
        sentence = (
            f"{entity.name}: {row['trips']} trip{'s' if row['trips'] != 1 else ''}"
            + (f" over {fmt.number(miles, 1)} nm" if miles else "")
            + f" earned {fmt.money_compact(row['trip_margin'])} trip margin"
        )
        if row["trip_margin_pct"] is not None:
            sentence += (
                f" ({fmt.percent(row['trip_margin_pct'])} of "
                f"{fmt.money_compact(row['trip_revenue'])}"
            )
        else:
            sentence += f" (on {fmt.money_compact(row['trip_revenue'])} of trip revenue"
        if row["margin_per_nm"] is not None:
            sentence += f", {fmt.money_compact(row['margin_per_nm'])} per nm"
        sentence += ")"
        if losses:
            worst = losses[0]
            sentence += (
                f"; {len(losses)} lost money, {worst['trip_id']} most "
                f"({fmt.money_compact(worst['trip_margin'])})"
            )
    result = row["result_after_overhead"]
    if result >= 0:
        sentence += (
            f"; after {fmt.money_compact(row['overhead'])} overhead, "
            f"{fmt.money_compact(result)} is left"
        )
    else:
        sentence += (
            f"; {fmt.money_compact(row['overhead'])} overhead turns that into a loss of "
            f"{fmt.money_compact(-result)}"
        )
    if revenue:
        sentence += (
            f". Revenue ({revenue['basis']} basis): {fmt.money_compact(revenue['revenue'])}, "
            f"{compact_part(fmt, revenue['cash_received'], revenue['revenue'])} of it received "
            "in cash"
            if revenue["basis"] == "accrual"
            else f". Revenue ({revenue['basis']} basis): {fmt.money_compact(revenue['revenue'])}"
        )
    return sentence + "."


def _headlines(row: dict, prev: dict, revenue: dict, prev_revenue: dict) -> list[Headline]:
    # The gross margin target of reporting.yaml is held against the gross margin on the entity's
    # basis (the CEO report's), not against the trips' margin: one target, one verdict.
    return [
        revenue_headline(revenue, prev_revenue),
        Headline(
            "Trip margin",
            "money",
            row["trip_margin"],
            prev.get("trip_margin"),
            better="higher",
            glossary="trip_margin",
        ),
        Headline(
            "Trip margin %",
            "percent",
            row["trip_margin_pct"],
            prev.get("trip_margin_pct"),
            better="higher",
            glossary="trip_margin_pct",
            note="no trips",
        ),
        Headline(
            "Margin per nautical mile",
            "money",
            row["margin_per_nm"],
            prev.get("margin_per_nm"),
            better="higher",
            glossary="margin_per_nm",
            note="no miles",
        ),
        Headline(
            "Result after overhead",
            "money",
            row["result_after_overhead"],
            prev.get("result_after_overhead"),
            better="higher",
            glossary="result_after_overhead",
        ),
    ]


def _trip_chart(trips: list[dict], month: date, fmt: Formatter) -> Chart:
    title = f"Margin per trip, {fmt.month(month)}"
    png = bar_chart(
        title,
        [
            f"{t['trip_id']} ({fmt.number(t['nautical_miles'], 0)} nm)"
            if t["nautical_miles"]
            else t["trip_id"]
            for t in trips
        ],
        floats(trips, "trip_margin"),
        fmt.money_compact,
        good=[t["trip_margin"] >= 0 for t in trips],
    )
    return Chart(
        "trips",
        title,
        png,
        "Each trip departing this month with its margin (revenue less fuel, crew and other "
        "trip costs) and its distance; green earned money, red lost it.",
    )


def _trend_chart(history: list[dict], entity: Entity, fmt: Formatter) -> Chart | None:
    months = history[::-1]
    if not any(r["margin_per_nm"] is not None for r in months):
        return None
    title = f"Margin per nautical mile, last {len(months)} months"
    png = line_chart(
        title,
        month_labels([r["month"] for r in months], year="past a year"),
        [Series("Margin per nm", floats(months, "margin_per_nm"))],
        fmt.money_compact,  # as every chart label (decision 39); the headline is exact
    )
    return Chart(
        "margin_per_nm",
        title,
        png,
        f"{entity.name}'s trip margin per nautical mile for the trips departing each month over "
        f"the last {len(months)} months; a gap is a month without trips.",
    )


def _trips_section(
    conn: DuckDBPyConnection,
    entity: Entity,
    month: date,
    row: dict,
    fmt: Formatter,
    no_bookings: bool,
) -> Section:
    section = Section("trips", f"Trips departing in {fmt.month(month)}")
    if no_bookings:
        section.empty = missing_file_line(entity, "bookings", BOOKINGS_WHAT)
        return section
    trips = query(conn, "reports/logistics_trips", entity_id=entity.id, month=month)
    if not trips:
        section.empty = f"No trip departed in {fmt.month(month)}."
        return section
    section.lines.append(
        "A trip's costs are the ledger cost lines whose description names its booking id, "
        "whenever they were paid. Worst margin first."
    )
    section.lines.append(
        "Trip revenue is the price of the trips departing in the month, paid or not; the next "
        "section bridges it to the business's revenue."
    )
    provisional = [t["trip_id"] for t in trips if not t["crew_cost"]]
    if provisional:
        section.lines.append(
            f"No crew cost names {', '.join(provisional)} yet: if the crew is still to be paid, "
            "the margin shown is too high."
        )
    section.charts.append(_trip_chart(trips, month, fmt))
    total = {**row, "trip_id": "Total"}
    section.tables.append(Table(TRIP_COLUMNS, trips, total=total, attachment="trips.csv"))
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
        tables=("bookings",),
        month_sql="reports/logistics_month",
        sections=(
            ("trips", "Trips departing in {month}"),
            ("revenue_bridge", "From the figures of this report to revenue"),
            ("trend", "Trips and overhead, month by month"),
            ("costs", "Fuel and crew"),
            ("distance", "Which trips pay"),
        ),
    )
    report, entity, row, prev = opening.report, opening.entity, opening.row, opening.previous
    if entity is None or row is None:
        return report
    fmt = report.fmt
    no_bookings = missing_file(opening.data, entity, "bookings")
    losses_this_month = [
        t
        for t in query(conn, "reports/logistics_trips", entity_id=entity.id, month=month)
        if t["trip_margin"] < 0
    ]

    revenue = revenue_row(conn, entity, month)
    report.headlines = _headlines(
        row, prev, revenue, revenue_row(conn, entity, previous_month(month))
    )
    report.verdicts = [verdict(entity, row, revenue, month, losses_this_month, fmt)]

    history = query(
        conn, "reports/logistics_history", entity_id=entity.id, month=month, months=TABLE_MONTHS
    )
    year = query(conn, "reports/logistics_year", entity_id=entity.id, month=month)[0]
    year_label = f"Last {len(history)} months"
    trend = Section(
        "trend",
        "Trips and overhead, month by month",
        lines=[
            "Overhead is the month's costs that name no trip (insurance, advertising, software, "
            "bookkeeping); the result is the trip margin less that overhead."
        ],
        tables=[
            Table(
                MONTH_COLUMNS,
                history,
                total={**year, "month": year_label},
                attachment="months.csv",
            )
        ],
    )
    chart = _trend_chart(history, entity, fmt)
    if chart:
        trend.charts.append(chart)

    costs = Section(
        "costs",
        "Fuel and crew",
        lines=[
            "Trip costs by type, for the trips departing each month: fuel and crew are told "
            "apart by the account's name in the chart of accounts."
        ],
        tables=[Table(COST_COLUMNS, history, total={**year, "month": year_label})],
    )

    distance = Section("distance", f"Which trips pay, last {len(history)} months")
    if no_bookings:
        distance.empty = missing_file_line(entity, "bookings", BOOKINGS_WHAT)
    else:
        bands = query(conn, "reports/logistics_distance", entity_id=entity.id, month=month)
        losses = query(conn, "reports/logistics_losses", entity_id=entity.id, month=month)
        if not bands:
            distance.empty = "No trip with known nautical miles in the last 12 months."
        else:
            distance.lines.append(
                "Trips by distance: under 100 nm, 100-299 nm, 300-599 nm, 600 nm and more."
            )
            for loss in losses:
                distance.lines.append(
                    f"{loss['trip_id']} ({fmt.number(loss['nautical_miles'], 0)} nm, departed "
                    f"{loss['departs_on'].isoformat()}) lost {fmt.money(-loss['trip_margin'])}: "
                    f"revenue {fmt.money(loss['trip_revenue'])}, fuel "
                    f"{fmt.money(loss['fuel_cost'])}, crew {fmt.money(loss['crew_cost'])}."
                )
            distance.tables.append(
                Table(DISTANCE_COLUMNS, bands, total={**year, "distance": "All trips"})
            )

    report.sections = [
        _trips_section(conn, entity, month, row, fmt, no_bookings),
        revenue_bridge_section(conn, entity, month, row["trip_revenue"], BRIDGE_WORDS, fmt),
        trend,
        costs,
        distance,
        findings_section(conn, config, month, entity),
    ]
    return report


def verdict_clauses(report: Report) -> list[str]:
    """A logistics business's subject: revenue, trip margin and the result after overhead."""
    clauses = [
        figure_clause(report, "revenue", "revenue"),
        figure_clause(report, "trip_margin", "trip margin", change=False),
        figure_clause(report, "result_after_overhead", "after overhead", change=False),
    ]
    return [c for c in clauses if c]


SPEC = ReportSpec(
    report="logistics",
    role="Yacht Delivery",
    title="Yacht delivery report",
    persona="ceo",
    entity_kind="logistics",
    build=build,
    module=__file__,
    doc=__doc__,
    shared_sql=("reports/findings", *BRIDGE_SQL),
    verdict_clauses=verdict_clauses,
)
