"""Write the parts of the configuration that SQL needs into the warehouse's `config` schema."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from exec_reporting.action_rules import load_action_rules, rule_rows
from exec_reporting.config import ReportingConfig, StripeBalanceSource
from exec_reporting.sqlfiles import execute

# The parts of reporting.yaml that shape what every report says; the others (delivery, schedule,
# quality, paths) change how the pipeline runs, not a report's content.
COMMON_SETTINGS = (
    "organization",
    "several_portfolios",
    "timezone",
    "currency",
    "locale",
    "first_month",
    "entities",
    "closed_months",
)
# Each persona report also shows its own section of reporting.yaml.
REPORTS = ("ceo", "cto", "cfo", "cmo", "accounting", "rental", "logistics", "agency")
SECTIONS = {"ceo": "ceo", "cto": "cto", "cfo": "cfo", "cmo": "cmo", "accounting": "accounting"}


def report_settings_versions(config: ReportingConfig) -> list[tuple[str, str]]:
    """(report, fingerprint of the settings that shape it): the common settings, the report's
    own section, and for the CEO the action rules file."""
    common = config.model_dump(mode="json", include=set(COMMON_SETTINGS))
    rows = []
    for report in REPORTS:
        settings = dict(common)
        if report in SECTIONS:
            settings[report] = config.model_dump(mode="json", include={SECTIONS[report]})
        if report == "ceo":
            settings["action_rules"] = config.action_rules_path.read_text(encoding="utf-8")
        digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()
        rows.append((report, digest[:16]))
    return rows


def config_rows(config: ReportingConfig) -> dict[str, list[tuple]]:
    """Rows per config.<table>, in the column order of sql/config/schema.sql."""
    cto, cfo, accounting = config.cto, config.cfo, config.accounting
    rules = load_action_rules(config.action_rules_path, {e.id for e in config.entities})
    return {
        "entities": [(e.id, e.name, e.kind, e.opening_cash, e.basis) for e in config.entities],
        "kpis": [(e.id, k.metric, k.target, k.better) for e in config.entities for k in e.kpis],
        "loans": [
            (e.id, loan.name, loan.account_code, loan.opening_balance, loan.lender)
            for e in config.entities
            for loan in e.loans
        ],
        # money moving between an entity's own accounts (Stripe's payouts to the bank): not a
        # flow of the cash flow statement's three sections (metrics.cash_flows)
        "transfer_accounts": sorted(
            {
                (e.id, source.payout_account, source.format)
                for e in config.entities
                for source in e.sources
                if isinstance(source, StripeBalanceSource)
            }
        ),
        "parameters": [
            (
                cto.tls_warning_days,
                cto.stale_dependencies_days,
                cto.stale_deploy_days,
                accounting.review_months,
                accounting.outlier_factor,
                accounting.recurring_min_months,
                cfo.reserve_months,
                cfo.projection_months,
            )
        ],
        "scenarios": [
            (name, s.revenue_growth, s.cost_growth) for name, s in sorted(cfo.scenarios.items())
        ],
        "capital_candidates": [
            (
                c.name,
                c.entity,
                c.cost,
                c.monthly_return,
                c.note,
                date.fromisoformat(f"{c.month}-01") if c.month else None,
            )
            for c in cfo.capital_candidates
        ],
        "otas": [
            (o.name, o.commission, o.audience, list(o.kinds), o.note) for o in config.cmo.otas
        ],
        "milestones": [
            (
                m.title,
                m.entity,
                m.due,
                m.owner,
                m.channel_listed,
                m.metric,
                m.target,
                m.better,
                m.done,
            )
            for m in config.cmo.milestones
        ],
        "action_rules": rule_rows(rules),
        "report_settings": report_settings_versions(config),
    }


def config_version(config: ReportingConfig) -> str:
    """A hash of what write_config_tables writes: it changes exactly when those rows change."""
    rows = config_rows(config)
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()[:16]


def write_config_tables(conn, config: ReportingConfig) -> dict[str, int]:
    rows = config_rows(config)
    conn.execute("begin transaction")
    try:
        execute(conn, "config/schema")
        for table, values in rows.items():
            relation = conn.table(f"config.{table}")
            for row in values:
                relation.insert(row)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return {name: len(values) for name, values in rows.items()}
