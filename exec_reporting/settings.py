"""Write the parts of the configuration that SQL needs into the warehouse's `config` schema."""

from __future__ import annotations

import hashlib
import json

from exec_reporting.config import ReportingConfig
from exec_reporting.sqlfiles import execute


def config_rows(config: ReportingConfig) -> dict[str, list[tuple]]:
    """Rows per config.<table>, in the column order of sql/config/schema.sql."""
    cto, cfo, accounting = config.cto, config.cfo, config.accounting
    return {
        "entities": [(e.id, e.name, e.kind, e.opening_cash) for e in config.entities],
        "kpis": [(e.id, k.metric, k.target, k.better) for e in config.entities for k in e.kpis],
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
            (c.name, c.entity, c.cost, c.monthly_return, c.note) for c in cfo.capital_candidates
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
