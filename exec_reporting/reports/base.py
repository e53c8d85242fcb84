"""What every report is made of, whatever its persona: the model the templates render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from exec_reporting.config import ReportingConfig
from exec_reporting.formatting import Formatter


def month_start(key: str) -> date:
    """The first day of a partition key's month ("2026-10" -> 2026-10-01)."""
    year, month = key.split("-")[:2]
    return date(int(year), int(month), 1)


def month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


@dataclass
class Report:
    kind: str  # cfo, ceo, ... (also the file name under reports_dir/<YYYY-MM>/)
    role: str  # as in the subject: "CFO"
    title: str
    config: ReportingConfig
    month: date
    # Everything the templates show, already rounded: also the JSON edition.
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def fmt(self) -> Formatter:
        return Formatter(self.config.currency, self.config.locale)

    @property
    def period(self) -> str:
        return month_key(self.month)

    @property
    def subject(self) -> str:
        return (
            f"Executive Report: {self.role} - {self.config.organization} - "
            f"{self.fmt.month(self.month)}"
        )
