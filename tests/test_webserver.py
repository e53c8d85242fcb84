"""The Dagster UI as an owner uses it: `dagster dev` (webserver and daemon) on 127.0.0.1 over a
small portfolio, driven through its GraphQL API, and the screenshots of docs/operations.md taken
in headless Chromium.

One server for the whole module (module-scoped fixture), on an instance that already holds one
`exec-reporting run` (March). In file order:

1. the code location loads, with the six groups and every asset described;
2. a run launched through the webserver (January) is queued, run by the daemon and succeeds;
3. a correction: one ledger line of one entity in February changes; the data_dir sensor runs
   ingest (that entity only) and the metric store; the rendered report months the correction
   reaches turn stale (March), no other (January);
4. the screenshots of docs/images/ (lineage, the stale month, the sensor's run, a metric's
   checks), each checked to show what the guide says it shows;
5. `exec-reporting backfill --stale`, while the server runs, re-renders March and sends the CFO
   one "Corrected:" edition;
6. failure alerts: a run launched from the UI that fails, and a run the data_dir sensor launched
   for a broken file, each email delivery.alerts_to once (the daemon ticks alert_on_run_failure);
   putting the broken file back the way it was loads again.

The server is started the way the README says: `dagster dev -w workspace.yaml` from the repo
root with DAGSTER_HOME pointing at the project's instance. The screenshots go to a temporary
folder; `UPDATE_SCREENSHOTS=1` writes them to docs/images/ for the guide.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import write_portfolio
from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError

from exec_reporting.cli import INSTANCE_TEMPLATE
from exec_reporting.metrics import relations

# the slow tier: processes of their own, or whole packs through the commands on a persistent
# instance (make check leaves it out; make test runs it)
pytestmark = pytest.mark.process

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# the guide's screenshots are refreshed only on request: a test run writes to a temporary folder
UPDATE_SCREENSHOTS = os.environ.get("UPDATE_SCREENSHOTS") == "1"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1400, "height": 900}

LOCATION = "exec_reporting"
GROUPS = {"sources", "ingest", "metrics", "reports", "archive", "delivery"}
CLI_MONTH, UI_MONTH = "2025-03", "2025-01"  # rendered before the correction
STARTUP_TIMEOUT = 120  # seconds; generous: two cores, shared with other test processes
RUN_TIMEOUT = 240
SENSOR_TIMEOUT = 180  # an upper bound: the sensors tick every SENSOR_INTERVAL s, then their run
# sensors.interval_seconds of the test's portfolio: the daemon's sensor loop runs every 5 s, so
# lower would not tick sooner (the shipped default is 30 s)
SENSOR_INTERVAL = 5

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
# every entity's ledger reaches 2025-03-31, so January to March are closed (period close)
FILES = {
    "shop/ledger.csv": LEDGER
    + "S1,2025-01-03,3000,5000.00,Owner contribution,Owner\n"
    + "S2,2025-01-05,4000,1200.00,Sales,Customers\n"
    + "S3,2025-01-06,6000,-800.00,Rent,Landlord\n"
    + "S4,2025-02-05,4000,900.00,Sales,Customers\n"
    + "S5,2025-02-06,6000,-800.00,Rent,Landlord\n"
    + "S6,2025-03-05,4000,1400.00,Sales,Customers\n"
    + "S7,2025-03-31,6000,-800.00,Rent,Landlord\n",
    "cafe/ledger.csv": LEDGER
    + "C1,2025-01-02,4000,3000.00,Sales,Guests\n"
    + "C2,2025-02-02,5000,-1000.00,Food,Market\n"
    + "C3,2025-03-01,4000,2500.00,Sales,Guests\n"
    + "C4,2025-03-31,5000,-700.00,Food,Market\n",
}
ENTITIES = [
    {"id": "shop", "name": "The Shop", "kind": "hauling", "opening_cash": 1000},
    {"id": "cafe", "name": "Cafe", "kind": "charter", "opening_cash": 0},
]
# the correction: The Shop's February sale was 950.00, not 900.00
WRONG_LINE = "S4,2025-02-05,4000,900.00,Sales,Customers\n"
FIXED_LINE = "S4,2025-02-05,4000,950.00,Sales,Customers\n"

LOCATIONS_QUERY = """
{ workspaceOrError { __typename ... on Workspace { locationEntries {
    name loadStatus
    locationOrLoadError { __typename ... on PythonError { message } }
} } } }
"""
ASSET_NODES_QUERY = """
{ assetNodes {
    assetKey { path } groupName description kinds
    owners { __typename ... on TeamAssetOwner { team } ... on UserAssetOwner { email } }
    metadataEntries { label }
} }
"""
SENSOR_TICKS_QUERY = """
{ sensorOrError(sensorSelector: {repositoryLocationName: "exec_reporting",
                                 repositoryName: "__repository__",
                                 sensorName: "watch_data_dir"}) {
    __typename
    ... on Sensor { sensorState { status ticks(limit: 100) { status skipReason cursor runIds } } }
} }
"""
ALERT_TICKS_QUERY = """
{ sensorOrError(sensorSelector: {repositoryLocationName: "exec_reporting",
                                 repositoryName: "__repository__",
                                 sensorName: "alert_on_run_failure"}) {
    __typename
    ... on Sensor { sensorState { ticks(limit: 5) { status timestamp } } }
} }
"""
RUNS_QUERY = """
query($filter: RunsFilter) { runsOrError(filter: $filter) { __typename ... on Runs { results {
    runId jobName status runConfigYaml tags { key value }
} } } }
"""
RUN_LOGS_QUERY = """
query($runId: ID!) { logsForRun(runId: $runId) { __typename ... on EventConnection { events {
    __typename
    ... on MessageEvent { message stepKey }
    ... on ExecutionStepFailureEvent { error { message cause { message } } }
} } } }
"""
STALE_QUERY = """
query($path: [String!]!) { assetNodeOrError(assetKey: {path: $path}) {
    ... on AssetNode { partitionKeys staleStatusByPartition }
} }
"""


@dataclass
class Server:
    root: Path
    config: Path
    home: Path
    env: dict[str, str]
    port: int
    client: DagsterGraphQLClient
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _environment(config: Path, home: Path) -> dict[str, str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DAGSTER_HOME", "EXEC_REPORTING_CONFIG") and not k.startswith("AWS_")
    }
    environment.update(EXEC_REPORTING_CONFIG=str(config), DAGSTER_HOME=str(home))
    return environment


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _default_sigint() -> None:
    # `dagster dev` maps SIGTERM to its SIGINT handler; a process started with SIGINT ignored (a
    # background job of a non-interactive shell) would then ignore SIGTERM too
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group (`dagster dev` shuts down its webserver, daemon and code
    servers), then SIGKILL for whatever is left of it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _wait_for_location(client, process, log: Path) -> None:
    """Until the GraphQL endpoint answers and the code location has loaded."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    status = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dagster dev exited with {process.returncode}:\n{_tail(log)}")
        try:
            entries = client._execute(LOCATIONS_QUERY)["workspaceOrError"]["locationEntries"]
        except DagsterGraphQLClientError:
            entries = None  # not listening yet
        if entries:
            entry = next(e for e in entries if e["name"] == LOCATION)
            status = entry["loadStatus"]
            error = entry["locationOrLoadError"]
            if error and error["__typename"] == "PythonError":
                pytest.fail(f"the code location failed to load: {error['message']}")
            if status == "LOADED" and error and error["__typename"] == "RepositoryLocation":
                return
        time.sleep(1)
    pytest.fail(f"no loaded code location after {STARTUP_TIMEOUT} s ({status}):\n{_tail(log)}")


def _sensor_ticks(client) -> list[dict]:
    sensor = client._execute(SENSOR_TICKS_QUERY)["sensorOrError"]
    assert sensor["__typename"] == "Sensor", sensor
    return sensor["sensorState"]["ticks"]  # newest first


def _finished_ticks(client) -> list[dict]:
    """The sensor's ticks at a moment none is under way (a tick in progress has no outcome yet;
    at a 5 s interval one often is)."""
    deadline = time.monotonic() + SENSOR_TIMEOUT
    while time.monotonic() < deadline:
        ticks = _sensor_ticks(client)
        if all(tick["status"] != "STARTED" for tick in ticks):
            return ticks
        time.sleep(0.2)
    pytest.fail(f"watch_data_dir had a tick under way for {SENSOR_TIMEOUT} s")


def _wait_for_first_tick(client) -> None:
    """The sensor's first tick records the files as they are: a change made before it would be
    recorded, not noticed."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if any(tick["cursor"] for tick in _sensor_ticks(client)):
            return
        time.sleep(1)
    pytest.fail(f"watch_data_dir did not tick within {STARTUP_TIMEOUT} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`dagster dev` on a free port of 127.0.0.1, over a two-entity portfolio whose March pack
    `exec-reporting run` has made; stopped at the end, whatever happened."""
    root = tmp_path_factory.mktemp("webserver")
    config = write_portfolio(
        root,
        FILES,
        entities=ENTITIES,
        delivery={
            "transport": "outbox",
            "sender": "reports@example.com",
            "bcc": ["archive@example.com"],
            "outbox_dir": "state/outbox",
            "alerts_to": ["admin@example.com"],
        },
        sensors={"interval_seconds": SENSOR_INTERVAL},
    )
    home = root / "dagster"  # prepare_environment's layout: the shipped dagster.yaml in it
    home.mkdir()
    shutil.copyfile(INSTANCE_TEMPLATE, home / "dagster.yaml")
    env = _environment(config, home)
    done = subprocess.run(
        [str(BIN / "exec-reporting"), "run", "--month", CLI_MONTH],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    port = _free_port()
    log = root / "dagster-dev.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(BIN / "dagster"), "dev", "-w", str(REPO / "workspace.yaml")]
            + ["-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            process_group=0,
            preexec_fn=_default_sigint,
        )
    try:
        client = DagsterGraphQLClient("127.0.0.1", port_number=port, timeout=60)
        _wait_for_location(client, process, log)
        _wait_for_first_tick(client)
        yield Server(root, config, home, env, port, client, log)
    finally:
        _stop(process)


def _runs(client, **filter_) -> list[dict]:
    found = client._execute(RUNS_QUERY, {"filter": filter_})["runsOrError"]
    assert found["__typename"] == "Runs", found
    return found["results"]  # newest first


def _run_errors(client, run_id: str) -> str:
    events = client._execute(RUN_LOGS_QUERY, {"runId": run_id})["logsForRun"]["events"]
    lines = []
    for event in events:
        if event["__typename"] == "ExecutionStepFailureEvent":
            error = event["error"]
            cause = (error.get("cause") or {}).get("message") or ""
            lines.append(f"{event['stepKey']}: {error['message']} {cause}".strip())
    return "\n".join(lines) or "(no step failed)"


def _wait_for_run(client, run_id: str, timeout: float = RUN_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        status = client.get_run_status(run_id).value
        if status == "SUCCESS":
            return
        if status in ("FAILURE", "CANCELED"):
            pytest.fail(f"run {run_id} {status}:\n{_run_errors(client, run_id)}")
        time.sleep(1)
    pytest.fail(f"run {run_id} still {status} after {timeout} s")


def _stale(client, kind: str) -> dict[str, str]:
    node = client._execute(STALE_QUERY, {"path": ["reports", kind]})["assetNodeOrError"]
    return dict(zip(node["partitionKeys"], node["staleStatusByPartition"], strict=True))


def _report_kinds(client) -> list[str]:
    nodes = client._execute(ASSET_NODES_QUERY)["assetNodes"]
    return sorted(n["assetKey"]["path"][1] for n in nodes if n["assetKey"]["path"][0] == "reports")


@pytest.fixture(scope="module")
def launched_run(server):
    """The January pack, launched through the webserver as the UI's Materialize button does."""
    run_id = server.client.submit_job_execution(
        "monthly_pack", tags={"dagster/partition": UI_MONTH}
    )
    _wait_for_run(server.client, run_id)
    return run_id


@dataclass
class Correction:
    runs_before: list[dict]
    ticks_before: list[dict]
    run: dict


@pytest.fixture(scope="module")
def correction(server, launched_run):
    """One ledger line of The Shop in February fixed in the source file, and the run the data_dir
    sensor launched for it, finished."""
    client = server.client
    runs_before = _runs(client, pipelineName="ingest_and_metrics")
    ticks_before = _finished_ticks(client)
    before = {r["runId"] for r in runs_before}
    ledger = server.root / "data" / "shop" / "ledger.csv"
    text = ledger.read_text()
    assert WRONG_LINE in text
    ledger.write_text(text.replace(WRONG_LINE, FIXED_LINE))

    deadline = time.monotonic() + SENSOR_TIMEOUT
    while time.monotonic() < deadline:
        launched = _runs(
            client,
            pipelineName="ingest_and_metrics",
            tags=[{"key": "dagster/sensor_name", "value": "watch_data_dir"}],
        )
        launched = [r for r in launched if r["runId"] not in before]
        if launched and launched[0]["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(2)
    else:
        pytest.fail(f"no finished sensor run within {SENSOR_TIMEOUT} s of the correction")
    run = launched[0]
    if run["status"] != "SUCCESS":
        pytest.fail(f"the sensor's run {run['status']}:\n{_run_errors(client, run['runId'])}")
    return Correction(runs_before, ticks_before, run)


def test_the_code_location_loads_with_the_six_groups_and_every_asset_described(server):
    entries = server.client._execute(LOCATIONS_QUERY)["workspaceOrError"]["locationEntries"]
    assert [(e["name"], e["loadStatus"]) for e in entries] == [(LOCATION, "LOADED")]
    assert entries[0]["locationOrLoadError"]["__typename"] == "RepositoryLocation"

    nodes = server.client._execute(ASSET_NODES_QUERY)["assetNodes"]
    assert {n["groupName"] for n in nodes} == GROUPS
    by_key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
    for key, node in by_key.items():
        assert node["description"], f"{key} has no description"
        if node["groupName"] != "sources":
            assert node["owners"] and node["kinds"], f"{key} has no owner or no kind"
    # the input tables and every metric relation name their SQL file in their metadata
    sql_assets = [k for k in by_key if k.startswith("raw/")]
    sql_assets += [f"metrics/{relation.name}" for relation in relations()]
    for key in sql_assets:
        assert "sql" in {m["label"] for m in by_key[key]["metadataEntries"]}, key
    assert by_key["sources/ledger"]["groupName"] == "sources"
    assert by_key["raw/ledger"]["groupName"] == "ingest"
    assert by_key["reports/cfo"]["groupName"] == "reports"
    assert by_key["delivery/emails"]["groupName"] == "delivery"


def test_a_run_launched_through_the_webserver_succeeds_in_one_process(server, launched_run):
    run = next(r for r in _runs(server.client, runIds=[launched_run]))
    assert (run["jobName"], run["status"]) == ("monthly_pack", "SUCCESS")
    assert {"key": "dagster/partition", "value": UI_MONTH} in run["tags"]
    # the daemon ran it in one process (the in-process executor), not a process per step
    events = server.client._execute(RUN_LOGS_QUERY, {"runId": launched_run})["logsForRun"]
    messages = [e.get("message") or "" for e in events["events"]]
    assert any(m.startswith("Executing steps in process") for m in messages), messages[:10]
    # what the run made: the January reports, and the CFO's email in the outbox
    state = server.root / "state"
    assert (state / "reports" / UI_MONTH / "cfo.html").exists()
    assert (state / "outbox" / UI_MONTH / "cfo" / "cfo@example.com.eml").exists()
    # both runs are on the instance the UI shows: the CLI's March run and this one
    months = {
        tag["value"]
        for r in _runs(server.client, pipelineName="monthly_pack")
        for tag in r["tags"]
        if tag["key"] == "dagster/partition"
    }
    assert months == {CLI_MONTH, UI_MONTH}


def test_the_sensor_reloads_the_corrected_entity_and_only_the_months_it_reaches_turn_stale(
    server, correction
):
    # nothing ran while nothing changed: the ticks before the correction were all skips
    assert correction.runs_before == []
    assert correction.ticks_before and all(
        tick["status"] == "SKIPPED" and not tick["runIds"] for tick in correction.ticks_before
    )
    assert correction.ticks_before[-1]["skipReason"] == "recorded the files as they are"
    assert {t["skipReason"] for t in correction.ticks_before[:-1]} <= {"no input file changed"}

    # the corrected file's table, for that entity only, and the metric store after it
    run = correction.run
    tags = {tag["key"]: tag["value"] for tag in run["tags"]}
    assert tags["dagster/sensor_name"] == "watch_data_dir"
    assert tags["exec_reporting/changed_files"] == "shop/ledger.csv"
    assert yaml.safe_load(run["runConfigYaml"]) == {
        "ops": {"raw__ledger": {"config": {"entities": ["shop"]}}}
    }

    # the CFO's March report (cash carries February's sale forward) is stale; January, before
    # the correction, is not; February was never rendered
    cfo = _stale(server.client, "cfo")
    assert (cfo[UI_MONTH], cfo["2025-02"], cfo[CLI_MONTH]) == ("FRESH", "MISSING", "STALE")
    stale = {
        (kind, month)
        for kind in _report_kinds(server.client)
        for month, status in _stale(server.client, kind).items()
        if status == "STALE"
    }
    assert ("cfo", CLI_MONTH) in stale
    assert {month for _, month in stale} == {CLI_MONTH}


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _hide_navigation(page) -> None:
    toggle = page.get_by_text("Hide navigation")
    if toggle.count() and toggle.first.is_visible():
        toggle.first.click()


def _lineage_url(server: Server) -> str:
    """The global lineage filtered to the CFO report's thread, every group expanded."""
    keys = [
        "sources/ledger",
        "raw/ledger",
        # the P&L reads the ledger through these two: without them it would start a column of
        # its own, beside the sources
        "metrics/ledger_lines",
        "metrics/account_months",
        "metrics/monthly_pnl",
        "metrics/burn",
        "metrics/report_inputs",
        "inputs/cfo",
        "reports/cfo",
        # the archive is built and published before the emails go out (their links open it)
        "archive/site",
        "archive/published",
        "delivery/emails",
    ]
    selection = " or ".join(f'key:"{key}"' for key in keys)
    order = ["sources", "ingest", "metrics", "reports", "delivery"]
    expanded = ",".join(f"global@global:{group}" for group in order)
    return (
        f"{server.url}/asset-groups~{urllib.parse.quote(selection, safe='')}/?"
        + urllib.parse.urlencode({"expanded": expanded})
    )


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> Path:
    return REPO / "docs" / "images" if UPDATE_SCREENSHOTS else tmp_path_factory.mktemp("images")


def test_screenshots_of_the_correction_workflow_for_the_operations_guide(
    server, launched_run, correction, images
):
    from playwright.sync_api import sync_playwright

    IMAGES = images
    # the "Join the Dagster community" dialog would cover the first page
    assert server.client._execute("mutation { setNuxSeen }")["setNuxSeen"] is True
    IMAGES.mkdir(parents=True, exist_ok=True)
    burn_checks = next(r for r in relations() if r.name == "burn").checks
    assert burn_checks
    sensor_run = correction.run["runId"]
    shots: dict[str, str] = {}

    with sync_playwright() as playwright:
        assert CHROMIUM, "needs Debian's chromium: `make chromium` installs it (make test does)"
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(60_000)

        def shoot(name: str) -> str:
            page.mouse.move(5, VIEWPORT["height"] - 5)  # no hover left on anything
            page.wait_for_timeout(1500)  # let the graph finish fitting and the live data land
            path = IMAGES / f"{name}.png"
            page.screenshot(path=str(path))
            shots[name] = page.inner_text("body")
            return shots[name]

        # 1. lineage, left to right: sources -> ingest -> metrics -> reports -> archive -> delivery
        page.goto(_lineage_url(server))
        page.get_by_text("emails", exact=True).first.wait_for()
        _hide_navigation(page)  # remembered by the browser: the other pages get the room too
        page.reload()  # the graph fits itself to the room it has when it loads
        page.get_by_text("emails", exact=True).first.wait_for()
        text = shoot("asset-lineage")
        for word in [*GROUPS, "ledger", "monthly_pnl", "burn", "report_inputs", "cfo", "emails"]:
            assert word in text.split("\n"), word
        # each group's box in the graph: the rightmost of its labels (the asset list, left of
        # the graph, names the groups too)
        lefts = [
            max(
                label.bounding_box()["x"]
                for label in page.get_by_text(group, exact=True).filter(visible=True).all()
            )
            for group in ("sources", "ingest", "metrics", "reports", "archive", "delivery")
        ]
        assert lefts == sorted(lefts), lefts  # left to right, in lineage order

        # 2. the CFO report's March partition after the correction: unsynced, and why
        page.goto(f"{server.url}/assets/reports/cfo?view=partitions&partition={CLI_MONTH}")
        unsynced = page.get_by_text("Unsynced", exact=False).first
        unsynced.wait_for()
        _hide_navigation(page)
        unsynced.hover()
        page.get_by_text("has a new data version").first.wait_for()
        page.wait_for_timeout(1000)
        path = IMAGES / "stale-report-month.png"
        page.screenshot(path=str(path))  # with the hover card showing the cause
        text = shots["stale-report-month"] = page.inner_text("body")
        assert CLI_MONTH in text and "Materialized" in text and "Unsynced" in text
        assert "inputs / cfo" in text and "has a new data version" in text

        # 3. the runs: the sensor's ingest run, after the two monthly packs
        page.goto(f"{server.url}/runs")
        page.get_by_text(sensor_run[:8]).first.wait_for()
        text = shoot("sensor-run")
        for word in (sensor_run[:8], launched_run[:8], "ingest_and_metrics", "watch_data_dir"):
            assert word in text, word
        assert "shop/ledger.csv" in text and "monthly_pack" in text

        # 4. a metric's asset checks, run in the step that built it
        page.goto(f"{server.url}/assets/metrics/burn?view=checks")
        page.get_by_text(burn_checks[0]).first.wait_for()
        page.get_by_text("Passed").first.wait_for()
        text = shoot("metric-checks")
        for check in burn_checks:
            assert check in text, check
        assert "blocking asset check" in text
        browser.close()

    for name, text in shots.items():
        assert "Join the Dagster community" not in text, name
        path = IMAGES / f"{name}.png"
        assert _png_size(path) == (VIEWPORT["width"], VIEWPORT["height"]), name
        assert path.stat().st_size > 20_000, f"{name}.png is suspiciously small (a blank page?)"


def test_backfill_stale_rerenders_the_stale_month_and_sends_a_correction(server, correction):
    done = subprocess.run(
        [str(BIN / "exec-reporting"), "backfill", "--stale"],
        cwd=server.root,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    listed = [line for line in done.stdout.splitlines() if line.startswith("backfill: 20")]
    assert [line.split(":")[1].strip() for line in listed] == [CLI_MONTH], done.stdout
    assert "cfo" in listed[0].split(": ", 2)[2].split(", ")

    # one corrected edition to the CFO, opening with what changed
    folder = server.root / "state" / "outbox" / CLI_MONTH / "cfo"
    corrected = folder / "cfo@example.com.edition-2.eml"
    assert corrected.exists(), sorted(p.name for p in folder.iterdir())
    message = email.message_from_bytes(corrected.read_bytes(), policy=email.policy.default)
    # the verdict of the corrected figures: cash $10,950.00, up $2.4K on February
    assert message["Subject"] == (
        "Corrected: Executive Report: CFO - Mar 2025 - cash $11.0K (+$2.4K), cash not falling"
    )
    text = message.get_body(("plain",)).get_content()
    assert "WHAT CHANGED" in text
    # The Shop's February sale, 50.00 more, carried into March's cash (7,100 + 3,800 before)
    assert "Cash at month end: $10,900.00 → $10,950.00" in text
    # January was not reached by the correction: nothing new went out for it
    assert [p.name for p in (server.root / "state" / "outbox" / UI_MONTH / "cfo").iterdir()] == [
        "cfo@example.com.eml"
    ]

    # the webserver sees the backfill's runs (same instance) and March is fresh again
    backfills = _runs(server.client, tags=[{"key": "exec_reporting/backfill", "value": "stale"}])
    assert backfills and {r["status"] for r in backfills} == {"SUCCESS"}
    assert _stale(server.client, "cfo")[CLI_MONTH] == "FRESH"


# -- the README's claims: dagster dev on the project's instance, and failure alerts ----------------


def test_the_readme_starts_dagster_dev_as_this_test_does_and_its_scratch_folder_is_ignored(server):
    readme = (REPO / "README.md").read_text()
    assert "DAGSTER_HOME=$PWD/state/dagster .venv/bin/dagster dev -w workspace.yaml" in readme
    # what dagster dev makes without DAGSTER_HOME stays out of `git status`
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".tmp_dagster_home_x1y2/storage"], cwd=REPO, check=False
    )
    assert ignored.returncode == 0


def _alerts(server: Server) -> dict[str, str]:
    """{run id: the alert's text} of every alert in the outbox."""
    found = {}
    for path in (server.root / "state" / "outbox" / "alerts").rglob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        found[re.search(r"The run (\S+) of ", text).group(1)] = text
    return found


def _wait_for_alert(server: Server, run_id: str) -> str:
    deadline = time.monotonic() + SENSOR_TIMEOUT
    while time.monotonic() < deadline:
        alerts = _alerts(server)
        if run_id in alerts:
            return alerts[run_id]
        time.sleep(2)
    pytest.fail(f"no alert for run {run_id} within {SENSOR_TIMEOUT} s:\n{_tail(server.log)}")


def _wait_for_alert_tick_after(client, moment: float) -> None:
    """Until alert_on_run_failure has finished a tick that started after `moment`."""
    deadline = time.monotonic() + SENSOR_TIMEOUT
    while time.monotonic() < deadline:
        sensor = client._execute(ALERT_TICKS_QUERY)["sensorOrError"]
        assert sensor["__typename"] == "Sensor", sensor
        ticks = sensor["sensorState"]["ticks"]
        if any(t["timestamp"] > moment and t["status"] != "STARTED" for t in ticks):
            return
        time.sleep(1)
    pytest.fail(f"alert_on_run_failure did not tick within {SENSOR_TIMEOUT} s")


def _wait_for_failure(client, run_id: str) -> None:
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        if client.get_run_status(run_id).value in ("FAILURE", "CANCELED"):
            return
        time.sleep(1)
    pytest.fail(f"run {run_id} did not fail")


def test_a_run_launched_from_the_ui_that_fails_emails_the_alert_once(server, correction):
    run_id = server.client.submit_job_execution(
        "ingest_and_metrics",
        run_config={"ops": {"raw__ledger": {"config": {"entities": ["nope"]}}}},
    )
    _wait_for_failure(server.client, run_id)
    text = _wait_for_alert(server, run_id)
    assert "Started by a launch from the Dagster UI." in text
    assert "Failed step: raw__ledger" in text and "no such entity in reporting.yaml: nope" in text
    _wait_for_alert_tick_after(server.client, time.time())  # another tick: nothing more
    assert len([r for r in _alerts(server) if r == run_id]) == 1


def test_a_broken_file_alerts_from_the_sensor_s_run_and_putting_it_back_loads_again(
    server, correction
):
    client = server.client
    ledger = server.root / "data" / "shop" / "ledger.csv"
    good = ledger.read_text()

    def next_sensor_run(before: set[str]) -> dict:
        deadline = time.monotonic() + SENSOR_TIMEOUT
        while time.monotonic() < deadline:
            runs = [
                r
                for r in _runs(
                    client,
                    pipelineName="ingest_and_metrics",
                    tags=[{"key": "dagster/sensor_name", "value": "watch_data_dir"}],
                )
                if r["runId"] not in before
            ]
            if runs and runs[0]["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
                return runs[0]
            time.sleep(2)
        pytest.fail(f"no sensor run within {SENSOR_TIMEOUT} s:\n{_tail(server.log)}")

    seen = {r["runId"] for r in _runs(client, pipelineName="ingest_and_metrics")}
    ledger.write_text(good.replace(FIXED_LINE, FIXED_LINE.replace("950.00", "nine fifty")))
    broken = next_sensor_run(seen)
    assert broken["status"] == "FAILURE"
    text = _wait_for_alert(server, broken["runId"])
    assert "Started by the sensor watch_data_dir." in text
    assert "Failed check: raw/ledger quarantined_share" in text
    assert "shop/ledger.csv line 5, column amount (nine fifty)" in text

    # the file as it was before: a state the sensor has seen, and it loads again
    seen.add(broken["runId"])
    ledger.write_text(good)
    restored = next_sensor_run(seen)
    assert restored["status"] == "SUCCESS", _run_errors(client, restored["runId"])
