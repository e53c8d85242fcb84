"""What the pipeline needs to know of a report besides how to build it: which report it is,
whose it is, what it reads and the code it is made with. The spec is the one place a builder
says these: the builder, the model and the assets read them from it.

A report reads exactly the tables its SQL files name. Its SQL files are sql/reports/<report>_*.sql
(the naming rule), the ones every report runs for its notes on the data (COMMON_SQL), and the
shared ones it declares (`shared_sql`). A test records the SQL files each builder runs and checks
that they are among these, so what a report declares it reads cannot drift from what it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from duckdb import DuckDBPyConnection

from exec_reporting.sqlfiles import SQL_DIR, files_version, sql_path, tables_read

if TYPE_CHECKING:
    from exec_reporting.config import ReportingConfig
    from exec_reporting.reports.model import Report

PACKAGE = Path(__file__).resolve().parent.parent
# What every report runs: its notes on the data (reports/common.py data_notes).
COMMON_SQL = ("reports/as_of", "reports/quarantined_files", "reports/missing_files")
# Every report also depends on the settings of reporting.yaml that shape what it says
# (organization, currency, locale, entities, the persona sections...): config.report_settings.
COMMON_TABLES = ("config.report_settings",)
# The code every report is made with, besides its builder and SQL: the model, rendering,
# templates, charts, glossary.
SHARED_CODE = (
    "reports/model.py",
    "reports/common.py",
    "reports/domain.py",
    "reports/spec.py",
    "reports/upcoming.py",
    "render.py",
    "charts.py",
    "formatting.py",
    "glossary.py",
    "templates/*",
    "glossary/*",
)

# build(conn, config, month, entity_id) -> the report's model for that month (and entity)
Builder = Callable[[DuckDBPyConnection, "ReportingConfig", date, "str | None"], "Report"]


@dataclass(frozen=True)
class ReportSpec:
    report: str  # which report: ceo, cto, cfo, cmo, accounting, rental, logistics, agency
    role: str  # as in the subject: "CFO", "Rental"
    title: str
    persona: str  # whose recipients get it, and who answers for it (the asset's owner)
    # For a domain report, the kind of entity it is about (one report per such entity); None
    # for the five persona reports.
    entity_kind: str | None
    build: Builder
    module: str  # the builder's module file, part of the code version
    doc: str | None  # the builder's module docstring: its first paragraph is the summary
    shared_sql: tuple[str, ...] = field(default_factory=tuple)
    # The report's verdict for its subject, in short clauses, most important first ("revenue
    # -12 % vs target", "14/23 KPIs met"): the figures are the report's own (its headlines and
    # tables). The subject drops clauses from the end when it would be too long.
    verdict_clauses: Callable[[Report], list[str]] | None = None

    @property
    def summary(self) -> str:
        """One paragraph: what the report answers (the asset's description)."""
        return (self.doc or self.title).strip().split("\n\n")[0].replace("\n", " ")

    @cached_property
    def sql(self) -> tuple[str, ...]:
        """Every SQL file the report runs."""
        own = sorted(
            f"reports/{path.stem}" for path in (SQL_DIR / "reports").glob(f"{self.report}_*.sql")
        )
        return tuple(dict.fromkeys([*own, *self.shared_sql, *COMMON_SQL]))

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """Every table the report reads: what its SQL files name, and the report settings."""
        return tuple(sorted({*tables_read(self.sql), *COMMON_TABLES}))

    @cached_property
    def code_files(self) -> tuple[Path, ...]:
        """The report's builder, its SQL files and the shared rendering code."""
        files = [Path(self.module), *(sql_path(name) for name in self.sql)]
        for pattern in SHARED_CODE:
            files += [p for p in PACKAGE.glob(pattern) if p.is_file()]
        return tuple(files)

    @cached_property
    def code_version(self) -> str:
        """Changes when one of its code files changes, so every month of it turns stale."""
        return files_version(self.code_files)

    def entities(self, config: ReportingConfig) -> list[str | None]:
        """What one month of the report is made of: None for a persona report (one report
        about the portfolio); the ids of the entities of its kind, in reporting.yaml's order,
        for a domain report (one report each). The one place that says which entities a
        report is about."""
        if self.entity_kind is None:
            return [None]
        return [entity.id for entity in config.entities if entity.kind == self.entity_kind]

    def name(self, entity_id: str | None) -> str:
        """The file stem under reports_dir/<YYYY-MM>/: the report, plus the entity for a
        domain report ("ceo", "rental-harbor")."""
        return f"{self.report}-{entity_id}" if entity_id else self.report
