"""Shared fixtures: small portfolios written to a temporary folder and loaded into DuckDB."""

from __future__ import annotations

import shutil
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

REPO = Path(__file__).resolve().parent.parent

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


# The longest modules, longest first (summed test times measured on an idle machine, see
# docs/testing.md): the webserver's module alone is a fifth of the suite, so it starts at once.
LONGEST_FIRST = [
    "test_webserver",
    "test_period_close",
    "test_operations",
    "test_delivery_ses",
    "test_warehouse_faults",
    "test_walkthrough",
    "test_pipeline",
    "test_demo_run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules with slow-tier tests first, the longest of them first, each module's tests in
    their own order: over two workers (`make test` runs pytest-xdist, one module per worker at a
    time), the long ones start at once instead of last, beside an idle worker."""
    slow = {item.module.__name__ for item in items if item.get_closest_marker("process")}

    def rank(item: pytest.Item) -> tuple[int, int]:
        name = item.module.__name__
        known = LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)
        return (known, name not in slow)

    items.sort(key=rank)


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


def load_warehouse_file(config_path: Path, warehouse: Path) -> None:
    """The portfolio's ingested tables and metrics into a DuckDB file (the send ledger in memory,
    thrown away)."""
    config = load_config(config_path)
    with connect(warehouse, ":memory:") as conn:
        write_config_tables(conn, config)
        load_all(conn, config)
        build_all(conn)


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> tuple[Path, Path]:
    """The demo portfolio, generated and loaded once per test process: (its reporting.yaml, the
    project's own, beside data/demo; the warehouse file it loads into). Read it through
    `demo_warehouse`, which gives each module a copy of its own."""
    from exec_reporting.demo import generate

    root = tmp_path_factory.mktemp("demo-build")
    generate(root / "data" / "demo")
    config_path = root / "reporting.yaml"
    shutil.copyfile(REPO / "reporting.yaml", config_path)
    warehouse = root / "demo-warehouse.duckdb"
    load_warehouse_file(config_path, warehouse)
    return config_path, warehouse


def open_demo_warehouse(demo_build: tuple[Path, Path], folder: Path) -> duckdb.DuckDBPyConnection:
    """A copy of the loaded demo warehouse in `folder`, opened for reading and writing (with an
    in-memory send ledger, as load_warehouse)."""
    copy = folder / "demo-warehouse.duckdb"
    shutil.copyfile(demo_build[1], copy)
    return connect(copy, ":memory:")


@pytest.fixture(scope="module")
def demo_warehouse(demo_build, tmp_path_factory):
    """(the demo's reporting.yaml, a connection to this module's own copy of its loaded
    warehouse): the demo generated and loaded once, a module's changes its own."""
    conn = open_demo_warehouse(demo_build, tmp_path_factory.mktemp("demo-copy"))
    yield demo_build[0], conn
    conn.close()


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
