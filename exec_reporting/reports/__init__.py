"""Report builders: each module turns the metric store into the model of one report for a month,
and describes itself with a ReportSpec (exec_reporting/reports/spec.py): its name, role, title,
persona, the kind of entity a domain report is about, and its build(conn, config, month,
entity_id=None) -> Report.
"""

from __future__ import annotations

from exec_reporting.reports.spec import ReportSpec

PERSONA_REPORTS = ("ceo", "cto", "cfo", "cmo", "accounting")
DOMAIN_REPORTS = ("rental", "logistics", "agency")
REPORT_KINDS = PERSONA_REPORTS + DOMAIN_REPORTS


def specs() -> dict[str, ReportSpec]:
    """Every report, in the order of REPORT_KINDS."""
    from exec_reporting.reports import accounting, agency, ceo, cfo, cmo, cto, logistics, rental

    found = {
        module.SPEC.kind: module.SPEC
        for module in (ceo, cto, cfo, cmo, accounting, rental, logistics, agency)
    }
    return {kind: found[kind] for kind in REPORT_KINDS}


def spec(kind: str) -> ReportSpec:
    return specs()[kind]
