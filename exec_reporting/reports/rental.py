"""The Rental property report: is the property let, is the rent coming in, and does its net
operating income cover the loans? One report per entity of kind rental."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from duckdb import DuckDBPyConnection

from exec_reporting.charts import Series, line_chart
from exec_reporting.config import Entity, ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import (
    MONTH_COLUMN,
    compact_part,
    figure_clause,
    floats,
    month_end,
    month_labels,
)
from exec_reporting.reports.domain import (
    BRIDGE_SQL,
    BridgeWords,
    findings_section,
    missing_file,
    missing_file_line,
    open_report,
    revenue_bridge_section,
    revenue_row,
)
from exec_reporting.reports.model import Chart, Column, Headline, Report, Section, Table
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.sqlfiles import query

# The debt service coverage lenders commonly require of a rental property. reporting.yaml has no
# setting for it yet, so it is the report's fixed target.
DSCR_TARGET = Decimal("1.25")
TABLE_MONTHS = 12
CHART_MONTHS = 24
BRIDGE_WORDS = BridgeWords(
    figure="Rent due for {month}",
    name="rent due",
    figure_event="service",
    booking=("Rent", "due"),
    dated=False,
)

RENT_ROLL_COLUMNS = [
    Column("unit", "Unit"),
    Column("lease_id", "Lease month"),
    Column("rent", "Rent", "money"),
    Column("rent_status", "Status"),
    Column("rent_paid_on", "Paid on", "date"),
]

OCCUPANCY_COLUMNS = [
    MONTH_COLUMN,
    Column("units_available", "Units", "integer"),
    Column("units_occupied", "Let", "integer"),
    Column("occupancy_rate", "Occupancy", "percent"),
    Column("rent_scheduled", "Rent due", "money"),
    Column("rent_collected", "Rent collected", "money"),
]

NOI_COLUMNS = [
    MONTH_COLUMN,
    Column("revenue", "Revenue", "money"),
    Column("operating_costs", "Op. costs", "money"),
    Column("noi", "NOI", "money"),
    Column("interest_paid", "Interest", "money"),
    Column("principal_paid", "Principal", "money"),
    Column("debt_service", "Debt service", "money"),
    Column("dscr", "Coverage", "percent"),
]


def verdict(entity: Entity, row: dict, basis: str, fmt: Formatter) -> str:
    """One sentence that answers the owner's question about the property on its own."""
    parts = []
    if row["units_available"]:
        parts.append(
            f"{row['units_occupied']} of {row['units_available']} units let "
            f"({fmt.percent(row['occupancy_rate'])})"
        )
    if row["rent_scheduled"]:
        parts.append(
            f"{compact_part(fmt, row['rent_collected'], row['rent_scheduled'])} of "
            f"{fmt.money_compact(row['rent_scheduled'])} rent collected"
        )
    sentence = f"{entity.name}: " + (", ".join(parts) + "; " if parts else "")
    sentence += (
        f"net operating income ({basis} basis) {fmt.money_compact(row['noi'])} this month and "
        f"{fmt.money_compact(row['noi_12m'])} over 12 months"
    )
    coverage = row["dscr_12m"]
    if coverage is None:
        return sentence + ", with no debt service to cover."
    covered = f"{fmt.percent(coverage)} of debt service"
    target = fmt.percent(DSCR_TARGET)
    if coverage >= DSCR_TARGET:
        return sentence + f", covering {covered} (lenders look for {target})."
    if coverage >= 1:
        return sentence + f", covering only {covered}, below the {target} lenders look for."
    return sentence + f", covering {covered}: the loans were partly paid from other money."


def _headlines(row: dict, prev: dict, basis: str) -> list[Headline]:
    return [
        Headline(
            "Occupancy",
            "percent",
            row["occupancy_rate"],
            prev.get("occupancy_rate"),
            better="higher",
            glossary="occupancy_rate",
            note="no units",
        ),
        Headline(
            "Rent collected",
            "money",
            row["rent_collected"],
            prev.get("rent_collected"),
            target=row["rent_scheduled"],
            better="higher",
            glossary="rent_collected",
        ),
        Headline(
            f"Net operating income ({basis} basis)",
            "money",
            row["noi"],
            prev.get("noi"),
            better="higher",
            glossary="noi",
        ),
        Headline(
            "Debt service coverage, 12 months",
            "percent",
            row["dscr_12m"],
            prev.get("dscr_12m"),
            target=DSCR_TARGET,
            better="higher",
            glossary="dscr_12m",
            note="no debt service",
        ),
        Headline(
            "Cash at month end",
            "money",
            row["cash_end"],
            prev.get("cash_end"),
            target=row["cash_end_target"],
            better="higher" if row["cash_end_target"] is not None else None,
            glossary="cash_end",
        ),
    ]


def _rent_roll_section(
    conn: DuckDBPyConnection,
    entity: Entity,
    month: date,
    row: dict,
    basis: str,
    fmt: Formatter,
    no_bookings: bool,
) -> Section:
    section = Section("rent_roll", f"Rent roll, {fmt.month(month)}")
    if no_bookings:
        section.empty = missing_file_line(
            entity, "bookings", "one booking per unit and month (booking_id <unit>-YYYY-MM)"
        )
        return section
    roll = query(conn, "reports/rental_rent_roll", entity_id=entity.id, month=month)
    if not roll:
        section.empty = (
            f"No lease month in {fmt.month(month)} and no unit let in the 12 months before: "
            "the rent roll is empty."
        )
        return section
    for line in roll:
        if line["unit"] is None:
            line["unit"] = "(no unit)"
        if line["lease_id"] is None:
            line["lease_id"] = "vacant"
    section.lines.append(
        f"{row['units_occupied']} of {row['units_available']} units let; "
        f"{fmt.money(row['rent_collected'])} of {fmt.money(row['rent_scheduled'])} rent due "
        f"collected by {month_end(month).isoformat()}."
    )
    if row["rent_in_advance"]:
        section.lines.append(
            f"Rent received this month for a later month: {fmt.money(row['rent_in_advance'])}. "
            + (
                "It is deferred: revenue and net operating income count it in the month it is "
                "due (accrual basis)."
                if basis == "accrual"
                else "It is in this month's revenue and net operating income (cash basis)."
            )
        )
    unitless = sum(1 for line in roll if line["unit"] == "(no unit)")
    if unitless:
        section.lines.append(
            f"{unitless} lease month(s) name no unit (their booking id does not end in "
            "-YYYY-MM): listed, but not counted in occupancy."
        )
    total = {"unit": "Total", "rent": row["rent_scheduled"]}
    section.tables.append(Table(RENT_ROLL_COLUMNS, roll, total=total, attachment="rent_roll.csv"))
    return section


def _occupancy_chart(conn: DuckDBPyConnection, entity: Entity, month: date) -> Chart | None:
    history = query(
        conn, "reports/rental_history", entity_id=entity.id, month=month, months=CHART_MONTHS
    )[::-1]
    if not any(r["occupancy_rate"] is not None for r in history):
        return None
    png = line_chart(
        f"Occupancy, last {len(history)} months",
        month_labels([r["month"] for r in history], year="past a year"),
        [Series("Occupancy", floats(history, "occupancy_rate"))],
        lambda v: f"{v:.0%}",
    )
    return Chart(
        "occupancy",
        f"Occupancy, last {len(history)} months",
        png,
        f"The share of {entity.name}'s units let each month over the last {len(history)} "
        "months; a dip is a vacancy.",
    )


def _noi_chart(history: list[dict], entity: Entity, fmt: Formatter) -> Chart:
    months = history[::-1]
    png = line_chart(
        "Net operating income and debt service",
        month_labels([r["month"] for r in months], year="past a year"),
        [
            Series("NOI", floats(months, "noi")),
            Series("Debt service", floats(months, "debt_service"), dashed=True),
        ],
        fmt.money_compact,
    )
    return Chart(
        "noi",
        "Net operating income and debt service",
        png,
        f"{entity.name}'s net operating income (solid line) against its debt service (dashed) "
        f"each month over the last {len(months)} months; NOI below the dashed line did not "
        "cover the loan payments that month.",
    )


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
        month_sql="reports/rental_month",
        sections=(
            ("rent_roll", "Rent roll, {month}"),
            ("revenue_bridge", "From the figures of this report to revenue"),
            ("occupancy", "Occupancy and rent collection"),
            ("noi", "Net operating income and debt service"),
        ),
    )
    report, entity, row, prev = opening.report, opening.entity, opening.row, opening.previous
    if entity is None or row is None:
        return report
    fmt = report.fmt
    no_bookings = missing_file(opening.data, entity, "bookings")

    basis = revenue_row(conn, entity, month)["basis"]
    report.headlines = _headlines(row, prev, basis)
    report.verdicts = [verdict(entity, row, basis, fmt)]

    history = query(
        conn, "reports/rental_history", entity_id=entity.id, month=month, months=TABLE_MONTHS
    )
    year = query(conn, "reports/rental_year", entity_id=entity.id, month=month)[0]
    total = {**year, "month": f"Last {len(history)} months"}

    occupancy = Section("occupancy", "Occupancy and rent collection")
    if no_bookings:
        occupancy.empty = missing_file_line(
            entity, "bookings", "one booking per unit and month (booking_id <unit>-YYYY-MM)"
        )
    else:
        occupancy.lines.append(
            f"Over the last {len(history)} months the units were let "
            f"{fmt.percent(row['occupancy_rate_12m'])} of the time. A unit counts as available "
            "in a month when it had a lease month within the 12 months up to it."
        )
        chart = _occupancy_chart(conn, entity, month)
        if chart:
            occupancy.charts.append(chart)
        occupancy.tables.append(
            Table(
                OCCUPANCY_COLUMNS,
                history,
                total={**total, "units_available": None, "units_occupied": None},
            )
        )

    noi = Section(
        "noi",
        "Net operating income and debt service",
        lines=[
            f"Revenue is on {entity.name}'s {basis} basis: "
            + (
                "rent in the month it is due, whenever it is paid. "
                if basis == "accrual"
                else "rent in the month it arrives. "
            )
            + "Net operating income is revenue less every cost but debt service. Debt service is "
            'interest (cost accounts whose name contains "interest") plus principal (money '
            "paid out on liability accounts). Coverage is NOI / debt service: below 100% the "
            "loans were paid partly from other money."
        ],
        charts=[_noi_chart(history, entity, fmt)],
        tables=[Table(NOI_COLUMNS, history, total=total, attachment="noi.csv")],
    )
    report.sections = [
        _rent_roll_section(conn, entity, month, row, basis, fmt, no_bookings),
        revenue_bridge_section(conn, entity, month, row["rent_scheduled"], BRIDGE_WORDS, fmt),
        occupancy,
        noi,
        findings_section(conn, config, month, entity),
    ]
    return report


def verdict_clauses(report: Report) -> list[str]:
    """A rental's subject: cash and rent collected against their targets, occupancy."""
    clauses = [
        figure_clause(report, "cash_end", "cash"),
        figure_clause(report, "rent_collected", "rent"),
        figure_clause(report, "occupancy_rate", "occupancy", change=False),
    ]
    return [c for c in clauses if c]


SPEC = ReportSpec(
    report="rental",
    role="Rental",
    title="Rental property report",
    persona="ceo",
    entity_kind="rental",
    build=build,
    module=__file__,
    doc=__doc__,
    shared_sql=("reports/findings", *BRIDGE_SQL),
    verdict_clauses=verdict_clauses,
)
