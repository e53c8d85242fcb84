"""The weekly flash: Monday's one-screen report of the ISO week that ended on Sunday, in the
portfolio's time zone. The portfolio's cash at the week's end and money in, money out and revenue
(each entity on its basis), each against the week before; a verdict per entity (cash and its
change, money in and out, revenue, bookings and trips made, invoices fallen overdue or paid);
the critical and high findings new in the week; the 14 days after the Sunday; the data's as-of.

Built from a plain Python shell with `build_weekly(conn, config, "2026-W43")`; the figures are
metrics.weekly_flows' (docs/decisions.md #51), so the weeks of a month add up to the month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date
from duckdb import DuckDBPyConnection

from exec_reporting.charts import bar_chart
from exec_reporting.config import ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import (
    as_float,
    compact_part,
    data_notes,
    figure_clause,
    findings_table,
    month_end,
    months_back,
    plural,
    signed_money,
)
from exec_reporting.reports.model import (
    CORRECTED_PREFIX,
    PRELIMINARY_PREFIX,
    SUBJECT_LIMIT,
    SUBJECT_PREFIX,
    Chart,
    Column,
    Headline,
    Report,
    Section,
    Table,
    fewer_words,
    fit_subject,
)
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.reports.upcoming import _counts, _money_line, _table
from exec_reporting.sqlfiles import query

NEXT_DAYS = 14
NEXT_KEY = "next_14_days"
NEXT_TITLE = "Next 14 days"

COLUMNS = [
    Column("name", "Entity", glossary=None),
    Column("week_closing_cash", "Cash at week end", "money"),
    Column("week_cash_change", "Change", "money"),
    Column("week_money_in", "Money in", "money"),
    Column("week_money_out", "Money out", "money"),
    Column("basis", "Basis"),
    Column("week_revenue", "Revenue", "money"),
    Column("bookings_made", "Bookings", "integer"),
    Column("trips_made", "Trips", "integer"),
    Column("invoices_overdue", "Fell overdue", "integer"),
    Column("invoices_paid", "Paid", "integer"),
]
# The email shows the entity, its cash, the week's change and its revenue; the CSV every column.
EMAIL = ("name", "week_closing_cash", "week_cash_change", "week_revenue")


def week_days(week: str) -> tuple[date, date]:
    """The Monday and Sunday of an ISO week ("2026-W44" -> Oct 26, Nov 1 2026)."""
    try:
        year, number = week.split("-W")
        monday = date.fromisocalendar(int(year), int(number), 1)
    except ValueError as error:
        raise ValueError(
            f"week {week!r}: expected an ISO week like 2026-W44 (year, -W, week 01-53)"
        ) from error
    return monday, monday + timedelta(days=6)


def iso_week(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year:04d}-W{number:02d}"


@dataclass
class WeeklyReport(Report):
    """A report of one ISO week: its period is the week, its changes are on the week before,
    and it is preliminary while an entity's data stops before the Sunday."""

    week: str = ""

    period_word = "week"
    previous_period = "last week"

    @property
    def monday(self) -> date:
        return week_days(self.week)[0]

    @property
    def sunday(self) -> date:
        return week_days(self.week)[1]

    @property
    def period(self) -> str:
        return self.week

    @property
    def days(self) -> str:
        """ "Oct 26 - Nov 1", "Oct 19 - 25": the week's Monday and Sunday."""
        locale = self.config.locale
        same_month = self.monday.month == self.sunday.month
        sunday = format_date(self.sunday, "d" if same_month else "MMM d", locale=locale)
        return f"{format_date(self.monday, 'MMM d', locale=locale)} - {sunday}"

    @property
    def period_label(self) -> str:
        return f"week {self.monday.isocalendar()[1]} ({self.days}, {self.sunday.year})"

    @property
    def preliminary(self) -> bool:
        """An entity's data stops before the week's Sunday (metrics.weeks.week_covered, the rule
        of the period close) and the owner has not closed the Sunday's month."""
        closed = f"{self.sunday:%Y-%m}" in self.config.closed_months
        return bool(self.data and self.data.late) and not closed

    @property
    def subject(self) -> str:
        """ "Executive Report: Weekly flash - week 44 (Oct 26 - Nov 1) - cash $256.2K (-$29.5K),
        ...": the monthly subject's rules (Report.subject): the verdict's clauses dropped from
        the end until it fits with "Corrected: " before it."""
        limit = SUBJECT_LIMIT - len(CORRECTED_PREFIX)
        organization = self.config.organization if self.config.several_portfolios else None
        number = self.monday.isocalendar()[1]

        def head() -> str:
            text = SUBJECT_PREFIX + self.spec.role
            text += f" - {organization}" if organization else ""
            text += f" - week {number} ({self.days})"
            return PRELIMINARY_PREFIX + text if self.preliminary else text

        while len(head()) > limit and organization:
            organization = fewer_words(organization)
        clauses = self.spec.verdict_clauses(self) if self.spec.verdict_clauses else []
        return fit_subject(head(), clauses, limit)


def build_weekly(conn: DuckDBPyConnection, config: ReportingConfig, week: str) -> WeeklyReport:
    """The weekly flash of the ISO week `week` ("2026-W43") from the metric store."""
    monday, sunday = week_days(week)
    previous = iso_week(monday - timedelta(days=7))
    report = WeeklyReport(SPEC, config, sunday.replace(day=1), week=week)
    fmt = report.fmt
    # the entities' as-of and coverage at the week's Sunday, as a month's at its end
    report.data = data_notes(conn, sunday, tables=READS, period_end=sunday)
    late = {e.entity_id for e in report.data.late}

    portfolio = query(conn, "reports/weekly_portfolio", week=week, previous_week=previous)[0]
    rows = query(conn, "reports/weekly_entities", week=week, previous_week=previous)
    report.headlines = _headlines(portfolio)
    report.verdicts = [_verdict(row, fmt, row["entity_id"] in late) for row in rows]

    entities = Section("entities", "The week by entity")
    shown = [row for row in rows if row["in_series"]]
    if not shown:
        entities.empty = (
            f"No entity has figures for {report.period_label}: it is outside the months of "
            "their data."
        )
    else:
        quiet = [row["name"] for row in shown if _quiet(row)]
        if quiet:
            entities.lines.append(
                f"No money moved and no booking, trip or invoice changed in the week for "
                f"{', '.join(quiet)}: their figures are zeros."
            )
        if late:
            entities.lines.append(
                "The data does not reach the week's Sunday for "
                + ", ".join(row["name"] for row in shown if row["entity_id"] in late)
                + ": their figures for the week are incomplete."
            )
        chart = _cash_chart(shown, fmt)
        if chart:
            entities.charts.append(chart)
        entities.tables.append(
            Table(
                COLUMNS,
                shown,
                total=_total(portfolio),
                attachment="week_by_entity.csv",
                key=("entity_id",),
                label=("name",),
                email=EMAIL,
            )
        )
    report.sections = [
        entities,
        _findings_section(conn, config, monday, sunday),
        _next_days_section(conn, sunday, fmt),
    ]
    return report


def _headlines(portfolio: dict[str, Any]) -> list[Headline]:
    return [
        Headline(
            "Cash at week end",
            "money",
            portfolio["cash_end"],
            portfolio["previous_cash_end"],
            better="higher",
            glossary="week_closing_cash",
        ),
        Headline(
            "Money in",
            "money",
            portfolio["money_in"],
            portfolio["previous_money_in"],
            better="higher",
            glossary="week_money_in",
        ),
        Headline(
            "Money out",
            "money",
            portfolio["money_out"],
            portfolio["previous_money_out"],
            better="lower",
            glossary="week_money_out",
        ),
        Headline(
            "Revenue (each entity's basis)",
            "money",
            portfolio["revenue"],
            portfolio["previous_revenue"],
            better="higher",
            glossary="week_revenue",
        ),
    ]


def _total(portfolio: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Portfolio",
        "week_closing_cash": portfolio["cash_end"],
        "week_money_in": portfolio["money_in"],
        "week_money_out": portfolio["money_out"],
        "week_revenue": portfolio["revenue"],
    }


def _quiet(row: dict[str, Any]) -> bool:
    """Nothing happened: no money, no booking, trip or invoice."""
    figures = ("week_money_in", "week_money_out", "week_revenue", "bookings_made", "trips_made")
    counts = ("invoices_overdue", "invoices_paid")
    return not any(row[key] for key in (*figures, *counts))


def _verdict(row: dict[str, Any], fmt: Formatter, late: bool) -> str:
    """One entity's week in a sentence, money compact (decision 39)."""
    name = row["name"]
    if not row["in_series"]:
        return f"{name}: no figures for the week (outside the months of its data)."
    cash, change = row["week_closing_cash"], row["week_cash_change"]
    moved = f"({signed_money(fmt, change)})" if change else "(unchanged)"
    text = f"{name}: cash {fmt.money_compact(cash)} {moved}"
    if _quiet(row):
        text += "; no activity this week"
    else:
        text += (
            f"; in {fmt.money_compact(row['week_money_in'])}, "
            f"out {fmt.money_compact(row['week_money_out'])}; "
            f"revenue {fmt.money_compact(row['week_revenue'])} ({row['basis']} basis)"
        )
        business = [
            plural(row[key], word)
            for key, word in (("bookings_made", "booking"), ("trips_made", "trip"))
            if row[key]
        ]
        if business:
            text += "; " + " and ".join(business) + " made"
        if row["invoices_overdue"]:
            amount = fmt.money_compact(row["overdue_amount"])
            text += f"; {plural(row['invoices_overdue'], 'invoice')} fell overdue ({amount})"
        if row["invoices_paid"]:
            paid = compact_part(fmt, row["invoices_paid_amount"], row["invoices_paid_amount"])
            text += f"; {plural(row['invoices_paid'], 'invoice')} paid ({paid})"
    if late:
        text += "; data stops before Sunday"
    return text + "."


def _cash_chart(rows: list[dict[str, Any]], fmt: Formatter) -> Chart | None:
    if not any(row["week_closing_cash"] is not None for row in rows):
        return None
    png = bar_chart(
        "Cash at week end (tick: a week before)",
        [row["name"] for row in rows],
        [as_float(row["week_closing_cash"]) for row in rows],
        fmt.money_compact,
        good=[(row["week_cash_change"] or 0) >= 0 for row in rows],
        targets=[as_float(row["week_opening_cash"]) for row in rows],
    )
    return Chart(
        "cash",
        "Cash at week end",
        png,
        "One bar per entity: its cash at the week's end, green when it rose over the week, red "
        "when it fell; the tick marks its cash a week before.",
    )


def _findings_section(
    conn: DuckDBPyConnection, config: ReportingConfig, monday: date, sunday: date
) -> Section:
    """The critical and high findings new in the week, with the ids the monthly reports give
    them."""
    section = Section("findings", "New critical and high findings")
    rows = query(conn, "reports/weekly_findings", monday=monday, sunday=sunday)
    if not rows:
        section.empty = "No critical or high finding is new this week."
        return section
    section.lines.append(
        "Findings are made from a month's data: one is new this week when it is new in its "
        "month and first shows in the week (an invoice the day after it fell due, any other "
        "on its month's last day)."
    )
    section.tables.append(
        findings_table(rows, config, attachment="new_findings.csv", key=("finding_id",))
    )
    return section


def _next_days_section(conn: DuckDBPyConnection, sunday: date, fmt: Formatter) -> Section:
    """The 14 days after the Sunday, as known at the end of the month before the first of them
    (metrics.upcoming holds two months after each month's end: docs/decisions.md #41)."""
    section = Section(NEXT_KEY, NEXT_TITLE)
    start = sunday + timedelta(days=1)
    end = start + timedelta(days=NEXT_DAYS - 1)
    known = months_back(start.replace(day=1), 1)
    rows = query(
        conn, "reports/upcoming", month=known, start=start, days=NEXT_DAYS, money_only=False
    )
    if not rows:
        section.empty = (
            f"Nothing known falls due between {fmt.date(start)} and {fmt.date(end)}: no open "
            "invoice, booking, lease, loan payment, certificate or milestone dated then."
        )
        return section
    section.lines.append(
        f"From {fmt.date(start)} to {fmt.date(end)}, as known on "
        f"{fmt.date(month_end(known))}: {_counts(rows)}."
    )
    section.lines.append(_money_line(rows, fmt))
    table = _table(rows)
    table.attachment = f"{NEXT_KEY}.csv"
    section.tables.append(table)
    return section


def verdict_clauses(report: Report) -> list[str]:
    """The flash's verdict for its subject: the portfolio's cash and its change, the new
    critical or high findings, then money in and out."""
    fmt = report.fmt
    clauses = [figure_clause(report, "week_closing_cash", "cash")]
    findings = next((s for s in report.sections if s.key == "findings"), None)
    new = len(findings.tables[0].rows) if findings and findings.tables else 0
    if new:
        clauses.append(plural(new, "new finding"))
    money_in = next((h for h in report.headlines if h.glossary == "week_money_in"), None)
    money_out = next((h for h in report.headlines if h.glossary == "week_money_out"), None)
    if money_in and money_in.value is not None:
        clauses.append(f"in {fmt.money_compact(money_in.value)}")
    if money_out and money_out.value is not None:
        clauses.append(f"out {fmt.money_compact(money_out.value)}")
    return [clause for clause in clauses if clause]


# The tables whose optional files the flash notes when missing.
READS = ("ledger", "bookings", "invoices")


def _not_by_month(
    conn: DuckDBPyConnection, config: ReportingConfig, month: date, entity_id: str | None
) -> Report:
    raise TypeError("the weekly flash is built for a week: build_weekly(conn, config, '2026-W44')")


SPEC = ReportSpec(
    report="weekly",
    role="Weekly flash",
    title="Weekly flash",
    persona="ceo",
    entity_kind=None,
    build=_not_by_month,
    module=__file__,
    doc=__doc__,
    shared_sql=("reports/upcoming",),
    verdict_clauses=verdict_clauses,
)
