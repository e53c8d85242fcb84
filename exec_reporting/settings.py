"""Write the parts of the configuration that SQL needs (entities, KPIs) into the warehouse."""

from __future__ import annotations

import hashlib
import json

from exec_reporting.config import ReportingConfig
from exec_reporting.sqlfiles import execute


def config_rows(config: ReportingConfig) -> dict[str, list[tuple]]:
    entities = [(e.id, e.name, e.kind, e.opening_cash) for e in config.entities]
    kpis = [(e.id, k.metric, k.target, k.better) for e in config.entities for k in e.kpis]
    return {"entities": entities, "kpis": kpis}


def config_version(config: ReportingConfig) -> str:
    """A hash of what write_config_tables writes: it changes exactly when those rows change."""
    rows = config_rows(config)
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()[:16]


def write_config_tables(conn, config: ReportingConfig) -> dict[str, int]:
    rows = config_rows(config)
    conn.execute("begin transaction")
    try:
        execute(conn, "config/schema")
        conn.executemany("insert into config.entities values (?, ?, ?, ?)", rows["entities"])
        if rows["kpis"]:
            conn.executemany("insert into config.kpis values (?, ?, ?, ?)", rows["kpis"])
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return {name: len(values) for name, values in rows.items()}
