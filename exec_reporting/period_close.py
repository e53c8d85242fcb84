"""Period close: whether a month's pack goes out, from how far each entity's data reaches.

An entity covers a month when the latest date its files cover through (metrics.coverage: a
statement's end, a ledger line, a bank balance; docs/decisions.md #32) is on or after the month's
last day. A month whose pack every entity covers goes out; so does a month the owner closed
(`closed_months`). Otherwise the pack is held, a state and not a failure, until
`period_close.deadline_day` of the next month; from that day on it goes out marked Preliminary,
naming what is missing, and the owner gets the alert.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from exec_reporting.config import ReportingConfig
from exec_reporting.ingest import run_date_of
from exec_reporting.sqlfiles import query


class PackState(StrEnum):
    """What period close decides for a month's pack."""

    COVERED = "covered"  # every entity's data covers the month: it goes out
    CLOSED = "closed"  # the owner closed the month (closed_months): it goes out as it is
    HELD = "held"  # an entity's data stops early, before the deadline: nothing goes out yet
    PRELIMINARY = "preliminary"  # stops early, deadline reached: out, marked Preliminary

    @property
    def sends(self) -> bool:
        return self is not PackState.HELD


_BASIS = {
    "stated": "the statement's end",
    "modified": "the day before the file was written",
}


@dataclass(frozen=True)
class Gap:
    """An entity whose data does not cover the month, and the file that says how far it goes."""

    entity_id: str
    name: str
    covers_through: date | None
    source_file: str | None
    covers_basis: str | None
    source_table: str | None
    last_ledger_date: date | None

    @property
    def basis(self) -> str:
        if self.covers_basis == "latest_row":
            return "its latest balance" if self.source_table == "balances" else "its latest line"
        return _BASIS.get(self.covers_basis or "", "how far it covers")

    def describe(self) -> str:
        if self.covers_through is None:
            return f"{self.name} has no data (no ledger line, statement or bank balance)"
        return (
            f"{self.name}'s data runs through {self.covers_through.isoformat()} "
            f"({self.source_file}, {self.basis})"
        )


@dataclass(frozen=True)
class PeriodClose:
    period: str
    state: PackState
    deadline: date
    gaps: list[Gap] = field(default_factory=list)

    @property
    def missing(self) -> str:
        return "; ".join(gap.describe() for gap in self.gaps)

    def reason(self) -> str:
        """One paragraph a person acts on: what is missing and what happens next."""
        period = self.period
        if self.state is PackState.COVERED:
            return f"every entity's data covers {period}: the pack goes out"
        if self.state is PackState.CLOSED:
            return f"{period} is listed under closed_months: the pack goes out as it is"
        if self.state is PackState.HELD:
            return (
                f"holding the {period} pack, nothing sent: the data does not cover the month "
                f"yet ({self.missing}). It goes out when every entity's data reaches the "
                f"month's last day (a statement, a ledger line or a bank balance dated then; "
                f"the monthly schedule tries again every day), or on "
                f"{self.deadline.isoformat()} (period_close.deadline_day) marked Preliminary; "
                f"list {period} under closed_months in reporting.yaml if nothing more is coming."
            )
        return (
            f"the {period} pack went out marked Preliminary: the data still does not cover "
            f"the month on the deadline {self.deadline.isoformat()} (period_close.deadline_day): "
            f"{self.missing}. When the missing data arrives, run the month again: its reports "
            f"go out as corrections; or list {period} under closed_months."
        )


def month_end(period: str) -> date:
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, calendar.monthrange(year, month)[1])


def deadline(config: ReportingConfig, period: str) -> date:
    """The day of the next month from which an uncovered pack goes out marked Preliminary."""
    end = month_end(period)
    year, month = (end.year + 1, 1) if end.month == 12 else (end.year, end.month + 1)
    return date(year, month, config.period_close.deadline_day)


def today(config: ReportingConfig) -> date:
    """Today in the configured time zone: the day a run judges the deadline by."""
    return run_date_of(config)


def period_gaps(conn, config: ReportingConfig, period: str) -> list[Gap]:
    """The entities whose data does not cover the month (metrics.coverage), whether or not the
    month is closed."""
    rows = query(conn, "delivery/period_gaps", month_end=month_end(period))
    return [Gap(**row) for row in rows]


def period_close(conn, config: ReportingConfig, period: str, on: date) -> PeriodClose:
    """What happens to the month's pack on the day `on`."""
    due = deadline(config, period)
    if period in config.closed_months:
        return PeriodClose(period, PackState.CLOSED, due)
    gaps = period_gaps(conn, config, period)
    if not gaps:
        return PeriodClose(period, PackState.COVERED, due)
    state = PackState.PRELIMINARY if on >= due else PackState.HELD
    return PeriodClose(period, state, due, gaps)
