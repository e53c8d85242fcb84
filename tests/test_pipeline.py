"""The whole graph, run through Dagster on a real instance, and the `exec-reporting` CLI."""

import email
import email.policy
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from ops_helpers import open_instance

from exec_reporting.config import load_config
from exec_reporting.definitions import MONTHLY_JOB, build_definitions

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
FILES = {
    "shop/ledger.csv": LEDGER
    + "S1,2025-01-03,3000,5000.00,Owner contribution,Owner\n"
    + "S2,2025-01-05,4000,1200.00,Sales,Customers\n"
    + "S3,2025-01-06,6000,-800.00,Rent,Landlord\n"
    + "S4,2025-02-05,4000,900.00,Sales,Customers\n"
    + "S5,2025-02-06,6000,-800.00,Rent,Landlord\n"
    + "S6,2025-02-07,5000,-300.00,Fuel,Shell\n"
    + "S7,2025-03-05,4000,400.00,Sales,Customers\n"
    + "S8,2025-03-06,6000,-800.00,Rent,Landlord\n"
    + "S9,2025-03-31,6000,-100.00,Rent,Landlord\n",
    "cafe/ledger.csv": LEDGER
    + "C1,2025-02-01,4000,3000.00,Sales,Guests\n"
    + "C2,2025-02-02,5000,-1000.00,Food,Market\n"
    + "C3,2025-03-01,4000,2500.00,Sales,Guests\n"
    + "C4,2025-03-02,5000,-900.00,Food,Market\n"
    + "C5,2025-03-40,5000,-900.00,Food,Market\n",
}
ENTITIES = [
    {"id": "shop", "name": "The Shop", "kind": "hauling", "opening_cash": 1000},
    {"id": "cafe", "name": "Cafe <b>Bold</b>", "kind": "charter", "opening_cash": 0},
]


@pytest.fixture
def config_path(portfolio):
    return portfolio(
        FILES,
        entities=ENTITIES,
        personas={"cfo": {"to": ["cfo@example.com", "partner@example.com"]}},
        # the cafe's ledger stops before March's end: the month is closed so its pack goes out
        closed_months=["2025-03"],
        # one bad line in fourteen is on purpose here: above the default 5 % gate
        quality={"max_quarantined_share": 0.10},
    )


def test_the_monthly_pack_runs_through_a_real_instance(config_path, tmp_path):
    config = load_config(config_path)
    job = build_definitions(config).resolve_job_def(MONTHLY_JOB)
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, partition_key="2025-03")
        assert result.success
        # the run and its materializations are on the instance, as the UI would show them
        assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.SUCCESS
        burn = instance.get_latest_materialization_event(dg.AssetKey(["metrics", "burn"]))
        assert burn is not None
        report = instance.get_latest_materialization_event(dg.AssetKey(["reports", "cfo"]))
        assert report.asset_materialization.partition == "2025-03"
        assert "The Shop" in report.asset_materialization.metadata["preview"].value
        ledger = instance.get_latest_materialization_event(dg.AssetKey(["raw", "ledger"]))
        meta = ledger.asset_materialization.metadata
        assert (meta["rows_read"].value, meta["rows_loaded"].value) == (14, 13)
        assert meta["rows_quarantined"].value == 1
        checks = [
            e.event_specific_data
            for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION"
        ]
        assert checks and all(c.passed for c in checks)

    # the results, read back from the DuckDB file
    with duckdb.connect(str(config.warehouse_path), read_only=True) as conn:
        cash = dict(
            conn.execute(
                "select entity_id, cash_end from metrics.burn where month = date '2025-03-01'"
            ).fetchall()
        )
        # shop: 1000 + 5000 + 1200 - 800 + 900 - 800 - 300 + 400 - 800 - 100
        # cafe: 3000 - 1000 + 2500 - 900 (the line dated 2025-03-40 is quarantined)
        assert cash == {"shop": Decimal("5700.00"), "cafe": Decimal("3600.00")}
        quarantined = conn.execute(
            "select source_file, line, column_name, value from quarantine.rows"
        ).fetchall()
        assert quarantined == [("cafe/ledger.csv", 6, "date", "2025-03-40")]

    # the report files and one email per recipient, BCC only in the envelope
    folder = config.reports_path / "2025-03"
    names = {p.name for p in folder.iterdir()}
    persona = ("ceo", "cto", "cfo", "cmo", "accounting")
    assert {f"{k}.{ext}" for k in persona for ext in ("html", "txt", "md", "json")} <= names
    # entity kinds hauling and charter: no domain report
    assert not [n for n in names if n.startswith(("rental", "logistics", "agency"))]
    html = (folder / "cfo.html").read_text()
    assert "Cafe &lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold</b>" not in html
    outbox = config.outbox_path / "2025-03" / "cfo"
    assert sorted(p.name for p in outbox.iterdir()) == [
        "cfo@example.com.eml",
        "partner@example.com.eml",
    ]
    message = email.message_from_bytes(
        (outbox / "cfo@example.com.eml").read_bytes(), policy=email.policy.default
    )
    assert message["To"] == "cfo@example.com"
    assert message["From"] == "reports@example.com"
    # the CFO's verdict: cash and its change on February; cash rose, so no runway (decision 44)
    assert message["Subject"] == (
        "Executive Report: CFO - Mar 2025 - cash $9.3K (+$1.1K), cash not falling"
    )
    assert message["Bcc"] is None
    assert "archive@example.com" not in (outbox / "cfo@example.com.eml").read_text()
    text = message.get_body(("plain",)).get_content()
    assert "The Shop" in text and "$5,700.00" in text


def run_cli(*args, cwd, env=None):
    environment = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME",)}
    environment.pop("EXEC_REPORTING_CONFIG", None)
    environment.update(env or {})
    return subprocess.run(
        [str(BIN / "exec-reporting"), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.process
def test_cli_run_uses_the_instance_beside_the_warehouse_and_reports_failures(config_path, tmp_path):
    done = run_cli("run", cwd=tmp_path)  # ./reporting.yaml, latest month in the data
    assert done.returncode == 0, done.stdout + done.stderr
    assert "running monthly_pack for 2025-03" in done.stdout
    assert (
        f"Reports: {tmp_path}/state/reports/2025-03/ (accounting.html, ceo.html, cfo.html"
        in done.stdout
    )
    assert (
        "metric_store" in done.stderr and "metrics.burn:" in done.stderr
    )  # progress, step by step
    home = tmp_path / "state" / "dagster"
    assert (home / "dagster.yaml").exists()
    with open_instance(home) as instance:
        assert len(instance.get_run_records()) == 1

    (tmp_path / "data" / "shop" / "ledger.csv").write_text("txn_id,date,amount\nS1,2025-01-01,1\n")
    failed = run_cli("--config", str(config_path), "run", "--month", "2025-02", cwd="/")
    assert failed.returncode == 1
    assert "failed step: raw__ledger" in failed.stdout
    assert "missing required column(s) account_code" in failed.stdout


def test_cli_explains_a_bad_month_and_a_bad_config(config_path, tmp_path):
    done = run_cli("run", "--month", "2019-01", cwd=tmp_path)
    assert done.returncode == 2
    assert "--month 2019-01: expected a complete month from 2025-01" in done.stderr
    (tmp_path / "reporting.yaml").write_text("organization: x\n")
    done = run_cli("run", cwd=tmp_path)
    assert done.returncode == 2
    assert "data_dir: required key is missing" in done.stderr


@pytest.mark.process
def test_dagster_definitions_validate_passes_on_the_workspace(config_path):
    done = subprocess.run(
        [str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO,
        env={**os.environ, "EXEC_REPORTING_CONFIG": str(config_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation successful" in done.stdout + done.stderr
