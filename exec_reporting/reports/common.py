"""What every report builder shares (the report-builder kit): month arithmetic and month labels,
figures for charts and the series of a chart, counted words, KPIs in their own unit, the notes
on the data and findings tables. A helper two builders need lives here, once.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from duckdb import DuckDBPyConnection

from exec_reporting.charts import Series
from exec_reporting.config import KPI_METRICS, ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.glossary import glossary
from exec_reporting.reports.model import (
    Column,
    DataNotes,
    EntityAsOf,
    Format,
    Headline,
    Report,
    Table,
    display,
)
from exec_reporting.sqlfiles import query

# -- months -------------------------------------------------------------------------------------


def month_start(key: str) -> date:
    """The first day of a partition key's month ("2026-10" -> 2026-10-01)."""
    year, month = key.split("-")[:2]
    return date(int(year), int(month), 1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_back(month: date, count: int) -> date:
    """The first day of the month `count` months before `month` (after, when negative)."""
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def previous_month(month: date) -> date:
    return months_back(month, 1)


# Where a chart's month labels name the year: on every label ("Oct 26"); on the first label and
# each January ("Nov 25", "Dec", "Jan 26"...); or only past a year of months, when the same
# month name comes twice ("Oct" for twelve months or fewer, "Oct 26" for more).
YearShown = Literal["always", "when it changes", "past a year"]


def month_labels(months: Sequence[date], year: YearShown = "always") -> list[str]:
    """The labels of a chart's months."""
    if year == "past a year":
        return [m.strftime("%b" if len(months) <= 12 else "%b %y") for m in months]
    if year == "when it changes":
        return [
            m.strftime("%b %y" if i == 0 or m.month == 1 else "%b") for i, m in enumerate(months)
        ]
    return [m.strftime("%b %y") for m in months]


# -- figures for charts -------------------------------------------------------------------------


def as_float(value: Decimal | float | int | None) -> float | None:
    """A figure as a chart plots it (matplotlib draws floats); None, no figure, stays a gap.
    Charts only: tables and sentences keep the Decimal."""
    return None if value is None else float(value)


def floats(rows: Iterable[Mapping[str, Any]], key: str) -> list[float | None]:
    """One column of `rows` as a chart's values."""
    return [as_float(row[key]) for row in rows]


def month_series(
    rows: Iterable[Mapping[str, Any]], value: str, by: str = "name", month: str = "month"
) -> tuple[list[date], list[Series]]:
    """Rows of (month, name, value), such as each entity's cash at each month end, as a line
    chart's months (in order) and one series per name (in name order), with a gap where a name
    has no row for a month."""
    rows = list(rows)
    months = sorted({row[month] for row in rows})
    series = []
    for name in sorted({row[by] for row in rows}):
        by_month = {row[month]: row[value] for row in rows if row[by] == name}
        series.append(Series(name, [as_float(by_month.get(m)) for m in months]))
    return months, series


# -- words --------------------------------------------------------------------------------------


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 booking", "3 bookings" (`words`: the plural when it is not the word and an s)."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def compact_part(fmt: Formatter, part: Any, whole: Any) -> str:
    """A part of a whole in a verdict, compact (decision 39): "$4.8K" (of $5.1K). Where the
    compact part reads as the whole but falls short of it, "all but $35": "$5.1K of $5.1K"
    says all of it, and is written only when it is."""
    written = fmt.money_compact(part)
    if part < whole and written == fmt.money_compact(whole):
        return f"all but {fmt.money_compact(whole - part)}"
    return written


# -- KPIs in their own unit ---------------------------------------------------------------------

# A KPI's glossary unit -> the format its figures are shown in.
UNIT_FORMATS: dict[str, Format] = {"money": "money", "ratio": "percent", "months": "months"}


# The KPIs made of revenue: on the entity's basis (metrics.kpi_status), which a sentence names.
REVENUE_KPIS = ("revenue", "gross_profit", "gross_margin_pct", "operating_income")


def kpi_format(kpi: str) -> Format:
    return UNIT_FORMATS.get(glossary()[kpi].unit, "number")


def kpi_label(kpi: str) -> str:
    return glossary()[kpi].label


def kpi_value(fmt: Formatter, kpi: str, value: Any, gap: bool = False) -> str:
    """A KPI figure in the KPI's own unit; a gap in a ratio is in percentage points."""
    format = kpi_format(kpi)
    if gap and format == "percent" and value is not None:
        return fmt.points(value)
    return display(fmt, format, value)


def money_kpis() -> list[str]:
    """The KPIs measured in money (their glossary unit): only their gap is an amount of money."""
    terms = glossary()
    return [metric for metric in KPI_METRICS if terms[metric].unit == "money"]


# -- the verdict in a subject (ReportSpec.verdict_clauses) -------------------------------------


def headline(report: Report, key: str) -> Headline | None:
    """The report's headline of that glossary key (or, for one without, that label), if any."""
    return next((h for h in report.headlines if key in (h.glossary, h.label)), None)


def signed_money(fmt: Formatter, value: Any) -> str:
    """A change of money, compact, with its sign: +$2.8K, -$17.7K."""
    return ("+" if value > 0 else "") + fmt.money_compact(value)


def figure_clause(report: Report, key: str, label: str, *, change: bool = True) -> str | None:
    """ "cash $19.4K, $5.6K under target", "cash $256.2K (-$17.7K)", "8 open findings (+1)": a
    headline in a subject clause, against its target when it has one and misses it, else with
    its change on last month in brackets (a count: its change only); its note alone when it has
    no figure ("no stack.csv"); None when the report does not show it."""
    figure = headline(report, key)
    if figure is None:
        return None
    fmt = report.fmt
    if figure.value is None:
        return figure.note  # the words in place of the figure: "cash not falling"
    money = figure.format == "money"

    def written(value: Any) -> str:
        return fmt.money_compact(value) if money else display(fmt, figure.format, value)

    if figure.format == "integer":
        # a count: "8 open findings (+1)", its target (none) goes without saying
        text = f"{written(figure.value)} {label}"
        if change and figure.change:
            return f"{text} ({'+' if figure.change > 0 else ''}{written(figure.change)})"
        return text
    text = f"{label} {written(figure.value)}"
    if figure.good is False and figure.target:  # a target of 0 goes without saying
        side = "under" if figure.better == "higher" else "over"
        return f"{text}, {written(abs(figure.value - figure.target))} {side} target"
    if change and figure.change:
        if money:
            return f"{text} ({signed_money(fmt, figure.change)})"
        return f"{text} ({'+' if figure.change > 0 else ''}{written(figure.change)})"
    return text


# -- graded verdicts: act, watch, on track (sql/reports/entity_grades.sql) ----------------------

GRADES = ("act", "watch", "on track")
GRADE_COLUMN = Column("grade", "Grade", "text", "entity_grade")
# A sentence names this many causes of a grade at most, the weightiest first.
GRADE_CAUSES = 3


def entity_grades(conn: DuckDBPyConnection, month: date) -> list[dict[str, Any]]:
    """Every entity's grade for the month with its causes, what needs the reader first first.
    The CEO and the CFO read the same rows, so they agree on each entity's grade."""
    return query(conn, "reports/entity_grades", month=month, money_kpis=money_kpis())


def grade_cause(cause: Mapping[str, Any], fmt: Formatter, month: date) -> str:
    """One cause of a grade in words: "cash $30.4K, $29.6K short of $60.0K", "Globex Example
    Media owes $32.5K, 168 days past due", "MFA off: dispatch-app", "3.0 months of cash"."""
    kind = cause["kind"]
    if kind == "kpi":
        kpi = cause["subject"]
        label = kpi_label(kpi).lower()
        if kpi in REVENUE_KPIS:
            label += f" ({cause['basis']} basis)"
        if kpi_format(kpi) == "money":
            actual, shortfall, target = (
                fmt.money_compact(cause[key]) for key in ("actual", "shortfall", "target")
            )
        else:
            actual = kpi_value(fmt, kpi, cause["actual"])
            shortfall = kpi_value(fmt, kpi, cause["shortfall"], gap=True)
            target = kpi_value(fmt, kpi, cause["target"])
        side = "short of" if cause["better"] == "higher" else "over"
        return f"{label} {actual}, {shortfall} {side} {target}"
    if kind == "client":
        return (
            f"{cause['subject']} owes {fmt.money_compact(cause['shortfall'])}, "
            f"{cause['days']} days past due"
        )
    if kind == "finding":
        return str(cause["subject"])
    if kind == "runway":
        return f"{fmt.number(cause['actual'], 1)} months of cash"
    return f"no ledger data for {fmt.month(month)}"


def grade_causes(row: Mapping[str, Any], fmt: Formatter, month: date) -> list[str]:
    """The causes of the entity's grade in words, those that set the grade first."""
    return [grade_cause(cause, fmt, month) for cause in row["causes"][:GRADE_CAUSES]]


# -- a figure against its budget ----------------------------------------------------------------


def against_budget(actual: Any, budget: Mapping[str, Any], month: date, fmt: Formatter) -> str:
    """A figure against the month's budget, the year to date and the same month last year, as
    metrics.budget_variance gives them (`budget`: its budget, variance, ytd_months, ytd_actual,
    ytd_budget, last_year_actual): "$3,000.00, $500.00 under its March 2026 budget of
    $3,500.00; year to date $7,000.00 against $7,500.00 over 3 months; March 2025: $2,800.00".
    Money is exact (decision 39): an email table leaves the budget columns to its CSV file, so
    this sentence is where a reader looks the figures up."""
    variance = budget["variance"]
    of = f"its {fmt.month(month)} budget of {fmt.money(budget['budget'])}"
    if variance == 0:
        text = f"{fmt.money(actual)}, on {of}"
    else:
        side = "over" if variance > 0 else "under"
        text = f"{fmt.money(actual)}, {fmt.money(abs(variance))} {side} {of}"
    if budget["ytd_months"] > 1:
        text += (
            f"; year to date {fmt.money(budget['ytd_actual'])} against "
            f"{fmt.money(budget['ytd_budget'])} over {plural(budget['ytd_months'], 'month')}"
        )
    last_year = date(month.year - 1, month.month, 1)
    if budget["last_year_actual"] is None:
        return text + f"; {fmt.month(last_year)}: no data"
    return text + f"; {fmt.month(last_year)}: {fmt.money(budget['last_year_actual'])}"


# -- the notes on the data and findings ---------------------------------------------------------


def data_notes(
    conn: DuckDBPyConnection,
    month: date,
    tables: tuple[str, ...] = (),
    entity_id: str | None = None,
    period_end: date | None = None,
) -> DataNotes:
    """As-of dates per entity, late data, quarantined rows and the optional files missing for
    the tables a report reads; for a domain report (`entity_id`), of that entity only. The data
    is late when it stops before the month's end (or `period_end`: a week's Sunday)."""
    end = period_end or month_end(month)
    as_of = [EntityAsOf(**row) for row in query(conn, "reports/as_of", month_end=end)]
    if entity_id is not None:
        as_of = [e for e in as_of if e.entity_id == entity_id]
    # a domain report notes its entity's files only (and the shared chart of accounts)
    quarantined = [
        (f"{r['source_file']} (first at line {r['first_line']}: {r['first_reason']})", r["rows"])
        for r in query(conn, "reports/quarantined_files", entity_id=entity_id)
    ]
    missing = []
    if tables:
        missing = [
            r["expected_file"]
            for r in query(conn, "reports/missing_files", tables=list(tables), entity_id=entity_id)
        ]
    return DataNotes(month_end=end, as_of=as_of, quarantined=quarantined, missing_files=missing)


# A table's month column. A reader needs no definition of a month: no glossary entry.
MONTH_COLUMN = Column("month", "Month", "month", glossary=None)


def entity_names(config: ReportingConfig) -> dict[str, str]:
    return {entity.id: entity.name for entity in config.entities}


FINDING_COLUMNS = [
    Column("finding_id", "Id"),
    Column("status", "Status", "status"),
    Column("severity", "Severity", "severity"),
    Column("entity", "Entity"),
    Column("title", "Finding"),
    Column("detail", "Detail"),
    Column("amount", "Amount", "money"),
]


def findings_table(
    rows: list[dict[str, Any]],
    config: ReportingConfig,
    without: tuple[str, ...] = (),
    **kwargs: Any,
) -> Table:
    """Findings (rows of metrics.finding_status), newest and largest first: new before still
    open before resolved, then by severity and amount. `without`: the columns of
    FINDING_COLUMNS left out (the entity, in a report about one entity)."""
    names = entity_names(config)
    status_order = {"new": 0, "still open": 1, "resolved": 2}
    severity_order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    ordered = sorted(
        rows,
        key=lambda r: (
            status_order.get(r["status"], 9),
            severity_order.get(str(r.get("severity")), 9),
            -abs(r.get("amount") or 0),
            r["finding_id"],
        ),
    )
    shaped = [{**r, "entity": names.get(r["entity_id"], r["entity_id"])} for r in ordered]
    columns = [c for c in FINDING_COLUMNS if c.key not in without]
    return Table(columns, shaped, **kwargs)
