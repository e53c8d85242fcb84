"""The Accounting report (being written: see the open issue [2/7])."""

from __future__ import annotations

from datetime import date

from exec_reporting.config import ReportingConfig
from exec_reporting.reports.common import data_notes
from exec_reporting.reports.model import Report, Section

KIND = "accounting"
ROLE = "Accounting"
TITLE = "Accounting report"
PERSONA = "accounting"
ENTITY_KIND = None
READS: tuple[str, ...] = ("raw.ledger", "config.entities")


def build(conn, config: ReportingConfig, month: date, entity_id: str | None = None) -> Report:
    names = {e.id: e.name for e in config.entities}
    report = Report(
        KIND, ROLE, TITLE, config, month, entity_id, names.get(entity_id) if entity_id else None
    )
    report.sections = [Section("pending", "Contents", empty="This report is being written.")]
    report.data = data_notes(conn, month)
    return report
