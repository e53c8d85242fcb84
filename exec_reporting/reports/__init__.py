"""Report builders: each module turns the metric store into the model of one report for a month.

A builder module defines KIND (the report's name), ROLE (as in the subject), TITLE, PERSONA (whose
recipients get it), ENTITY_KIND (for a domain report: the kind of entity it is about, one report
per such entity; None for the five persona reports), READS (the warehouse tables it reads: the
asset's dependencies) and build(conn, config, month, entity_id=None) -> Report.
"""

from __future__ import annotations

import importlib
from types import ModuleType

PERSONA_REPORTS = ("ceo", "cto", "cfo", "cmo", "accounting")
DOMAIN_REPORTS = ("rental", "logistics", "agency")
REPORT_KINDS = PERSONA_REPORTS + DOMAIN_REPORTS


def builder(kind: str) -> ModuleType:
    return importlib.import_module(f"exec_reporting.reports.{kind}")


def builders() -> dict[str, ModuleType]:
    return {kind: builder(kind) for kind in REPORT_KINDS}
