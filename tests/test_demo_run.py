"""`exec-reporting demo`, what `make demo` runs: generate the portfolio if missing, run the latest
month the data covers, say where the reports are."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

# the slow tier: processes of their own, or whole packs through the commands on a persistent
# instance (make check leaves it out; make test runs it)
pytestmark = pytest.mark.process

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_demo_generates_runs_and_prints_where_the_reports_are(tmp_path):
    config = yaml.safe_load((REPO / "reporting.yaml").read_text())
    (tmp_path / "reporting.yaml").write_text(yaml.safe_dump(config))
    env = {
        k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "EXEC_REPORTING_CONFIG")
    }
    done = subprocess.run(
        [str(BIN / "exec-reporting"), "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"generated the demo portfolio in {tmp_path}/data/demo" in done.stdout
    assert "running monthly_pack for 2026-10" in done.stdout
    assert f"Reports: {tmp_path}/state/reports/2026-10/" in done.stdout
    assert (tmp_path / "state" / "reports" / "2026-10" / "cfo.html").exists()
    assert (tmp_path / "state" / "outbox" / "2026-10" / "cfo" / "cfo@example.com.eml").exists()

    with duckdb.connect(str(tmp_path / "state" / "warehouse.duckdb"), read_only=True) as conn:
        entities = conn.execute("select count(distinct entity_id) from metrics.burn").fetchone()[0]
        assert entities == 6
        assert conn.execute("select count(*) from quarantine.rows").fetchone()[0] == 1

    again = subprocess.run(
        [str(BIN / "exec-reporting"), "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "using the demo portfolio in" in again.stdout
