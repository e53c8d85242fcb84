"""Shared fixtures: small portfolios written to a temporary folder and loaded into DuckDB."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb
import pytest
import yaml

from exec_reporting.config import load_config
from exec_reporting.ingest import load_all
from exec_reporting.metrics import build_all
from exec_reporting.settings import write_config_tables
from exec_reporting.warehouse import connect

DEFAULT_CHART = """\
code,name,type,behavior
1000,Bank,asset,
1500,Equipment,asset,
2000,Loan,liability,
3000,Owner contributions,equity,
4000,Sales,revenue,
5000,Fuel,cogs,variable
6000,Rent,expense,fixed
6100,Software,expense,fixed
6200,Commissions,expense,variable
"""


def write_portfolio(
    root: Path,
    files: dict[str, str],
    entities: list[dict] | None = None,
    chart: str | None = DEFAULT_CHART,
    **config_overrides,
) -> Path:
    """Write a portfolio: files maps "<entity>/<table>.csv" (or a top-level name) to CSV text.

    Returns the path of its reporting.yaml."""
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    if chart is not None:
        (data / "chart_of_accounts.csv").write_text(textwrap.dedent(chart), encoding="utf-8")
    for name, text in files.items():
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    if entities is None:
        entities = [
            {"id": name.split("/")[0], "name": name.split("/")[0].title(), "kind": "charter"}
            for name in files
            if "/" in name
        ]
        entities = list({e["id"]: e for e in entities}.values())
    config = {
        "organization": "Test Holdings",
        "timezone": "America/Los_Angeles",
        "currency": "USD",
        "data_dir": "data",
        "warehouse": "state/warehouse.duckdb",
        "first_month": "2025-01",
        "entities": entities,
        "personas": {"cfo": {"to": ["cfo@example.com"]}},
        "delivery": {
            "transport": "outbox",
            "sender": "reports@example.com",
            "bcc": ["archive@example.com"],
            "outbox_dir": "state/outbox",
        },
    }
    config.update(config_overrides)
    path = root / "reporting.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def load_warehouse(config_path: Path, metrics: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse holding the portfolio's ingested tables (and metrics), an
    in-memory send ledger attached as `delivery` as the pipeline attaches its file."""
    config = load_config(config_path)
    conn = connect(":memory:", ":memory:")
    write_config_tables(conn, config)
    load_all(conn, config)
    if metrics:
        build_all(conn)
    return conn


def rows(conn, sql: str, params=None) -> list[dict]:
    cursor = conn.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture
def portfolio(tmp_path):
    """Factory: portfolio(files, entities=None, chart=DEFAULT_CHART, **config) -> config path."""

    def make(files, entities=None, chart=DEFAULT_CHART, **overrides):
        return write_portfolio(tmp_path, files, entities, chart, **overrides)

    return make


def build_report(conn, config_path, report: str, month: str, entity_id: str | None = None):
    """Build and render one report from a loaded warehouse: (model, RenderedReport)."""
    from exec_reporting.render import render
    from exec_reporting.reports import spec
    from exec_reporting.reports.common import month_start

    model = spec(report).build(conn, load_config(config_path), month_start(month), entity_id)
    return model, render(model)
