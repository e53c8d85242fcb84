"""What every report builder shares: month arithmetic, the notes on the data, findings tables."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from exec_reporting.config import ReportingConfig
from exec_reporting.reports.model import Column, DataNotes, EntityAsOf, Table
from exec_reporting.sqlfiles import query


def month_start(key: str) -> date:
    """The first day of a partition key's month ("2026-10" -> 2026-10-01)."""
    year, month = key.split("-")[:2]
    return date(int(year), int(month), 1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def data_notes(
    conn, month: date, tables: tuple[str, ...] = (), entity_id: str | None = None
) -> DataNotes:
    """As-of dates per entity, late data, quarantined rows and the optional files missing for
    the tables a report reads; for a domain report (`entity_id`), of that entity only."""
    end = month_end(month)
    as_of = [EntityAsOf(**row) for row in query(conn, "reports/as_of", month_end=end)]
    if entity_id is not None:
        as_of = [e for e in as_of if e.entity_id == entity_id]
    quarantined = [
        (f"{r['source_file']} (first at line {r['first_line']}: {r['first_reason']})", r["rows"])
        for r in query(conn, "reports/quarantined_files")
        # a domain report notes its entity's files and the shared chart of accounts
        if entity_id is None
        or "/" not in r["source_file"]
        or r["source_file"].startswith(f"{entity_id}/")
    ]
    missing = []
    if tables:
        missing = [
            r["expected_file"] for r in query(conn, "reports/missing_files", tables=list(tables))
        ]
    return DataNotes(month_end=end, as_of=as_of, quarantined=quarantined, missing_files=missing)


def entity_names(config: ReportingConfig) -> dict[str, str]:
    return {entity.id: entity.name for entity in config.entities}


FINDING_COLUMNS = [
    Column("finding_id", "Id"),
    Column("status", "Status", "status", glossary="status"),
    Column("severity", "Severity", "severity", glossary="severity"),
    Column("entity", "Entity"),
    Column("title", "Finding"),
    Column("detail", "Detail"),
    Column("amount", "Amount", "money"),
]


def findings_table(
    rows: list[dict[str, Any]], config: ReportingConfig, with_entity: bool = True, **kwargs
) -> Table:
    """Findings (rows of metrics.finding_status), newest and largest first: new before still
    open before resolved, then by severity and amount."""
    names = entity_names(config)
    status_order = {"new": 0, "still open": 1, "resolved": 2}
    severity_order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    ordered = sorted(
        rows,
        key=lambda r: (
            status_order.get(r["status"], 9),
            severity_order.get(r.get("severity"), 9),
            -abs(r.get("amount") or 0),
            r["finding_id"],
        ),
    )
    shaped = [{**r, "entity": names.get(r["entity_id"], r["entity_id"])} for r in ordered]
    columns = [c for c in FINDING_COLUMNS if with_entity or c.key != "entity"]
    return Table(columns, shaped, **kwargs)
