"""What the three domain reports (rental, logistics, agency) share: the entity a report is about,
the lines a section says when the data is missing and the entity's findings.

A domain report is about one entity; the asset builds one per entity of the report's kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from duckdb import DuckDBPyConnection

from exec_reporting.config import Entity, ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import data_notes, findings_table, previous_month
from exec_reporting.reports.model import DataNotes, Report, Section
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.sqlfiles import query

# Every finding source: a domain report shows all of its entity's findings.
FINDING_SOURCES = ("invoice", "expense", "stack", "revenue_recognition", "chart")


def domain_report(
    spec: ReportSpec, config: ReportingConfig, month: date, entity_id: str | None
) -> tuple[Report, Entity | None]:
    """The report model for one entity. Without an entity id, the first entity the report is
    about (None when reporting.yaml has none of its kind: the report then says so)."""
    wanted = entity_id or next(iter(spec.entities(config)), None)
    entity = next((e for e in config.entities if e.id == wanted), None)
    report = Report(
        spec,
        config,
        month,
        entity.id if entity else entity_id,
        entity.name if entity else None,
    )
    return report, entity


def no_entity_section(kind: str | None) -> Section:
    return Section(
        "entity",
        "Entity",
        empty=f"No entity of kind {kind} in reporting.yaml: add one to get this report.",
    )


def no_month_line(entity: Entity, month: date, data: DataNotes, fmt: Formatter) -> str:
    """Said by every section when the entity has no data for the report month."""
    last = next((e.last_ledger_date for e in data.as_of if e.entity_id == entity.id), None)
    ends = f" (its ledger ends {last.isoformat()})" if last else " (it has no ledger lines)"
    return f"No ledger data for {entity.name} in {fmt.month(month)}{ends}."


@dataclass
class Opening:
    """What every domain builder starts from."""

    report: Report
    entity: Entity | None
    data: DataNotes  # the report's notes on the data (report.data)
    # this month's figures; None when the report is already complete (no entity of its kind,
    # or no data for the month: each section says so)
    row: dict[str, Any] | None = None
    previous: dict[str, Any] = field(default_factory=dict)


def open_report(
    conn: DuckDBPyConnection,
    spec: ReportSpec,
    config: ReportingConfig,
    month: date,
    entity_id: str | None,
    *,
    tables: tuple[str, ...],
    month_sql: str,
    sections: tuple[tuple[str, str], ...],
    missing: tuple[str, str] | None = None,
) -> Opening:
    """The report for one entity with its notes on the data, and the month's and last month's
    row of `month_sql`. Without them, every section of `sections` ((key, title; "{month}" in a
    title is the report month)) says why in one line: the file that would fill it (`missing`:
    (table, what it holds)) or the data's end."""
    report, entity = domain_report(spec, config, month, entity_id)
    report.data = data = data_notes(conn, month, tables=tables, entity_id=report.entity_id)
    if entity is None:
        report.sections = [no_entity_section(spec.entity_kind)]
        return Opening(report, None, data)
    this = query(conn, month_sql, entity_id=entity.id, month=month)
    if not this:
        if missing and missing_file(data, entity, missing[0]):
            line = missing_file_line(entity, *missing)
        else:
            line = no_month_line(entity, month, data, report.fmt)
        report.verdicts = [line]
        label = report.fmt.month(month)
        report.sections = [
            Section(key, title.format(month=label), empty=line) for key, title in sections
        ]
        return Opening(report, entity, data)
    last = query(conn, month_sql, entity_id=entity.id, month=previous_month(month))
    return Opening(report, entity, data, this[0], last[0] if last else {})


def missing_file(data: DataNotes, entity: Entity, table: str) -> bool:
    return f"{entity.id}/{table}.csv" in data.missing_files


def missing_file_line(entity: Entity, table: str, what: str) -> str:
    """One line naming the file that would fill a section."""
    return (
        f"No {table}.csv for {entity.name}: add data/{entity.id}/{table}.csv with {what} "
        "(see docs/data-contract.md)."
    )


def findings_section(
    conn: DuckDBPyConnection,
    config: ReportingConfig,
    month: date,
    entity: Entity,
    title: str = "Findings",
    sources: tuple[str, ...] = FINDING_SOURCES,
    key: str = "findings",
    none: str = "No open or resolved findings",
) -> Section:
    """The entity's findings of the month from the given sources, newest and largest first."""
    rows = [
        r
        for r in query(conn, "reports/findings", month=month, sources=list(sources))
        if r["entity_id"] == entity.id
    ]
    return Section(
        key,
        title,
        tables=[findings_table(rows, config, without=("entity",))] if rows else [],
        empty=None if rows else f"{none} for {entity.name} this month.",
    )
