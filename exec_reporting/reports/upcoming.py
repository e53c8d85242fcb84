"""The "Next 30 days" section of the CEO and CFO reports: the dated events known at the month's
end (metrics.upcoming) that fall in the 30 days after it, by date, with the money due in and out.
The CEO's lists every event; the CFO's only those that move money, with the loan payments named.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from duckdb import DuckDBPyConnection

from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import month_end, plural
from exec_reporting.reports.model import Column, Section, Table
from exec_reporting.sqlfiles import query

NEXT_DAYS = 30
NO_MONEY = "–"
SECTION_KEY = "next_30_days"
SECTION_TITLE = "Next 30 days"

COLUMNS = [
    Column("upcoming_on", "Date", "date"),
    Column("name", "Entity"),
    Column("upcoming_event", "What", "text"),
    Column("upcoming_amount", "Amount", "money"),
    Column("upcoming_kind", "Kind", "text"),
    Column("upcoming_source", "Source", "text"),
]
# The email shows date, entity, what and amount; the CSV attachment every column.
EMAIL = ("upcoming_on", "name", "upcoming_event", "upcoming_amount")

# Each kind of event in words, in the order the counts are listed: (one, many).
KIND_WORDS = {
    "invoice_due": ("invoice due", "invoices due"),
    "rent_due": ("rent due", "rents due"),
    "loan_payment": ("loan payment", "loan payments"),
    "departure": ("trip or charter departing", "trips and charters departing"),
    "booking": ("booking served", "bookings served"),
    "certificate_expiry": ("certificate expiring", "certificates expiring"),
    "milestone_due": ("milestone due", "milestones due"),
}


def window(month: date, days: int = NEXT_DAYS) -> tuple[date, date]:
    """The first and last day of the `days` days after the month's last day."""
    start = month_end(month) + timedelta(days=1)
    return start, start + timedelta(days=days - 1)


def events(
    conn: DuckDBPyConnection, month: date, money_only: bool = False, days: int = NEXT_DAYS
) -> list[dict]:
    """The events of the `days` days after the month, as known at its end, by date."""
    start, _ = window(month, days)
    return query(
        conn, "reports/upcoming", month=month, start=start, days=days, money_only=money_only
    )


def _counts(rows: list[dict]) -> str:
    seen = {row["upcoming_kind"]: row["kind_events"] for row in rows}
    return ", ".join(
        plural(seen[kind], one, many) for kind, (one, many) in KIND_WORDS.items() if kind in seen
    )


def _money_line(rows: list[dict], fmt: Formatter) -> str:
    money_in: Decimal = rows[0]["money_in"]
    money_out: Decimal = rows[0]["money_out"]
    return (
        f"Money due in: {fmt.money(money_in)}; money due out: {fmt.money(-money_out)}; "
        f"net {fmt.money(money_in + money_out)}."
    )


def _table(rows: list[dict]) -> Table:
    # an event that moves no money (paid in advance, a certificate, a milestone): a dash
    shown = [
        row if row["upcoming_amount"] is not None else {**row, "upcoming_amount": NO_MONEY}
        for row in rows
    ]
    return Table(
        COLUMNS,
        shown,
        attachment=f"{SECTION_KEY}.csv",
        key=("entity_id", "upcoming_kind", "upcoming_source", "upcoming_on"),
        label=("name", "upcoming_event"),
        email=EMAIL,
    )


def ceo_section(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Section:
    """Every event of the 30 days after the month: what happens, and the money it moves."""
    section = Section(SECTION_KEY, SECTION_TITLE)
    start, end = window(month)
    rows = events(conn, month)
    if not rows:
        section.empty = (
            f"Nothing known falls due between {fmt.date(start)} and {fmt.date(end)}: no open "
            "invoice, booking, lease, loan payment, certificate or milestone dated then "
            "(invoices.csv, bookings.csv, stack.csv, reporting.yaml milestones)."
        )
        return section
    section.lines.append(
        f"From {fmt.date(start)} to {fmt.date(end)}, as known on {fmt.date(month_end(month))}: "
        f"{_counts(rows)}."
    )
    section.lines.append(_money_line(rows, fmt))
    section.tables.append(_table(rows))
    return section


def cfo_section(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Section:
    """The cash side of the next 30 days: the money due in and out, loan payments named."""
    section = Section(SECTION_KEY, SECTION_TITLE)
    start, end = window(month)
    rows = events(conn, month, money_only=True)
    if not rows:
        section.empty = (
            f"No money known to fall due between {fmt.date(start)} and {fmt.date(end)}: no "
            "open invoice, unpaid booking or lease, or loan payment dated then."
        )
        return section
    section.lines.append(
        f"Money known to move from {fmt.date(start)} to {fmt.date(end)}, as on "
        f"{fmt.date(month_end(month))}: {_counts(rows)}. {_money_line(rows, fmt)}"
    )
    loans = [row for row in rows if row["upcoming_kind"] == "loan_payment"]
    if loans:
        section.lines.append(
            f"Loan payments: {fmt.money(-loans[0]['kind_amount'])} in all; "
            + "; ".join(
                f"{row['name']} to {row['upcoming_source']} "
                f"{fmt.money(-row['upcoming_amount'])} on {fmt.date(row['upcoming_on'])}"
                for row in loans
            )
            + "."
        )
    section.lines.append(
        "Recurring payments and owner draws are estimates, not listed: the 13-week cash "
        "forecast carries them. Departures paid in advance, certificates and milestones: "
        "the CEO report's Next 30 days."
    )
    section.tables.append(_table(rows))
    return section
