"""Report builders: each module turns the metric store into the model of one report for a month,
and describes itself with a ReportSpec (exec_reporting/reports/spec.py): which report it is, its
role, title, persona, the kind of entity a domain report is about, and its build(conn, config,
month, entity_id=None) -> Report.
"""

from __future__ import annotations

from exec_reporting.config import DOMAIN_REPORTS, PERSONAS
from exec_reporting.reports.spec import ReportSpec

# Each persona has the report of its name; the domain reports are about one entity each.
PERSONA_REPORTS = PERSONAS
REPORTS = PERSONA_REPORTS + DOMAIN_REPORTS

__all__ = ["DOMAIN_REPORTS", "PERSONA_REPORTS", "REPORTS", "ReportSpec", "spec", "specs"]


def specs() -> dict[str, ReportSpec]:
    """Every report, in the order of REPORTS."""
    from exec_reporting.reports import accounting, agency, ceo, cfo, cmo, cto, logistics, rental

    found = {
        module.SPEC.report: module.SPEC
        for module in (ceo, cto, cfo, cmo, accounting, rental, logistics, agency)
    }
    return {report: found[report] for report in REPORTS}


def spec(report: str) -> ReportSpec:
    return specs()[report]
