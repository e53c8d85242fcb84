"""Delivery through Amazon SES, against real local servers on 127.0.0.1 that the tests start:
moto's server (SES v1 and v2 over HTTP) and small scripted SES endpoints (tests/fake_ses.py).

What a reader of the reports depends on: every report reaches every recipient exactly once per
content, with its charts and CSV files, the archive only in the envelope; a correction goes out
once, saying what changed; a send that may have arrived is never repeated on its own, and the
operator can list it and resend it; a run killed halfway, then run again, sends nobody a second
copy.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml
from conftest import rows, write_portfolio
from fake_ses import FakeSes, HoldingProxy, MotoSes, fake_aws_environment, parse

from exec_reporting.cli import main as cli_main
from exec_reporting.config import CONFIG_ENV, load_config
from exec_reporting.definitions import MONTHLY_JOB, build_definitions
from exec_reporting.delivery import (
    NotSent,
    OutcomeUnknown,
    Pace,
    Refused,
    send_with_retries,
)
from exec_reporting.warehouse import connect

BIN = Path(sys.executable).parent
MONTH = "2025-03"
SENDER = "reports@example.com"
ARCHIVE = "archive@example.com"
# the verdict in the subject (decision 44): the CFO's cash and its change on February, the
# runway (cash rose: none); the CTO has no stack.csv to audit
CFO_SUBJECT = "Executive Report: CFO - Mar 2025 - cash $6.0K (+$550), cash not falling"
CTO_SUBJECT = "Executive Report: CTO - Mar 2025 - no stack.csv"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

LEDGER_HEADER = "txn_id,date,account_code,amount,description,counterparty\n"
LEDGER_LINES = [
    "S1,2025-01-03,3000,5000.00,Owner contribution,Owner",
    "S2,2025-01-05,4000,1200.00,Sales,Customers",
    "S3,2025-01-06,6000,-800.00,Rent,Landlord",
    "S4,2025-02-05,4000,900.00,Sales,Customers",
    "S5,2025-02-06,6000,-800.00,Rent,Landlord",
    "S6,2025-02-07,6100,-50.00,Software,Acme",
    "S7,2025-03-05,4000,1400.00,Sales,Customers",
    "S8,2025-03-06,6000,-800.00,Rent,Landlord",
    "S9,2025-03-07,6100,-50.00,Software,Acme",
]


def ledger_csv(lines: list[str]) -> str:
    return LEDGER_HEADER + "\n".join(lines) + "\n"


FILES = {"shop/ledger.csv": ledger_csv(LEDGER_LINES)}


# -- environment and servers -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch, tmp_path):
    """Test credentials only: nothing from the machine's AWS configuration can leak in."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in fake_aws_environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EXEC_REPORTING_CONFIG", raising=False)


@pytest.fixture(scope="module")
def moto_server():
    with MotoSes() as server:
        yield server


@pytest.fixture
def moto(moto_server):
    """moto's server, emptied, with the sender verified."""
    moto_server.reset()
    moto_server.verify(SENDER)
    return moto_server


def ses_delivery(endpoint: str, **overrides) -> dict:
    delivery = {
        "transport": "ses",
        "sender": SENDER,
        "bcc": [ARCHIVE],
        "ses": {"region_name": "us-east-1", "endpoint_url": endpoint},
        # above moto's 1 a second, so the tests do not wait on the pace
        "max_send_rate": 50,
    }
    delivery.update(overrides)
    return delivery


def portfolio(root: Path, delivery: dict, personas: dict | None = None) -> Path:
    return write_portfolio(
        root,
        FILES,
        entities=[{"id": "shop", "name": "The Shop", "kind": "charter", "opening_cash": 0}],
        personas=personas or {"cfo": {"to": ["cfo@example.com"]}},
        delivery=delivery,
        # the ledger stops before the month's end: the month is closed so its pack goes out
        closed_months=[MONTH],
    )


def point_at(config_path: Path, endpoint: str) -> None:
    """Change delivery.ses.endpoint_url in the config file."""
    config = yaml.safe_load(config_path.read_text())
    config["delivery"]["ses"]["endpoint_url"] = endpoint
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))


# -- running the pipeline and the CLI ----------------------------------------------------------


def run_month(config_path: Path) -> dg.ExecuteInProcessResult:
    """The monthly job for MONTH (the job `exec-reporting run` runs), through Dagster in this
    process on an in-memory instance: the runs cost half as much as on a SQLite one."""
    job = build_definitions(load_config(config_path)).resolve_job_def(MONTHLY_JOB)
    with dg.DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(instance=instance, partition_key=MONTH, raise_on_error=False)


def failures(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """Failed step -> the innermost error message (what the CLI prints as the reason)."""
    found = {}
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.error
            while error.cause is not None:
                error = error.cause
            found[event.step_key] = error.message
    return found


def cli_environment() -> dict[str, str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DAGSTER_HOME", "EXEC_REPORTING_CONFIG") and not k.startswith("AWS_")
    }
    environment.update(fake_aws_environment())
    environment["AWS_CONFIG_FILE"] = os.devnull
    environment["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    return environment


def cli(config_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "exec-reporting"), "--config", str(config_path), *args],
        cwd=config_path.parent,
        env=cli_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def cli_here(monkeypatch, capsys):
    """`exec-reporting --config ... <args>` in this process (the same code as the command, without
    paying its start-up): returns (exit code, what it printed)."""

    def run(config_path: Path, *args: str) -> tuple[int, str]:
        # the command points the process at its config and instance: undone after the test
        monkeypatch.setenv(CONFIG_ENV, str(config_path))
        monkeypatch.setenv("DAGSTER_HOME", str(load_config(config_path).dagster_home))
        capsys.readouterr()
        code = cli_main(["--config", str(config_path), *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return run


def ledger(config_path: Path) -> list[dict]:
    """The send ledger, read back from its file."""
    config = load_config(config_path)
    with connect(config.warehouse_path, config.send_ledger_path, read_only=True) as conn:
        return rows(
            conn,
            "select report, recipient, edition, correction, subject, status, attempts, "
            "message_id, envelope, error from delivery.messages "
            "order by report, recipient, edition",
        )


def report_figures(config_path: Path, name: str) -> dict:
    folder = load_config(config_path).reports_path / MONTH
    return json.loads((folder / f"{name}.json").read_text())


def deliveries_listed(output: str) -> dict[str, str]:
    """`exec-reporting deliveries` output -> {recipient: status} of its table rows."""
    listed = {}
    for line in output.splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[0] == MONTH:
            listed[fields[2]] = fields[4]
    return listed


# -- reading messages back ---------------------------------------------------------------------


def check_cid_images(message) -> int:
    """Every src="cid:..." of the HTML part has an image part with that Content-ID, in the same
    multipart/related as the HTML. Returns how many images the HTML shows."""
    html = message.get_body(("html",)).get_content()
    sources = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert all(s.startswith("cid:") for s in sources), sources
    related = [
        part
        for part in message.walk()
        if part.get_content_type() == "multipart/related"
        and any(p.get_content_type() == "text/html" for p in part.iter_parts())
    ]
    images = {}
    for group in related:
        for part in group.iter_parts():
            if part["Content-ID"]:
                images[part["Content-ID"].strip("<>")] = part
    for source in sources:
        part = images[source.removeprefix("cid:")]
        assert part.get_content_type() == "image/png"
        assert part.get_content().startswith(PNG_SIGNATURE)
    return len(sources)


def check_csv_attachments(message, figures: dict) -> list[str]:
    """Each CSV attachment is the report's table of that name: its column labels, then one line
    per row (and the total). Returns the attachments' file names."""
    tables = {
        table["attachment"]: table
        for section in figures["sections"]
        for table in section.get("tables", [])
        if table.get("attachment")
    }
    names = []
    for part in message.walk():
        if part.get_content_disposition() != "attachment":
            continue
        name = part.get_filename()
        names.append(name)
        assert part.get_content_type() == "text/csv", name
        content = part.get_content()
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        lines = list(csv.reader(io.StringIO(text)))
        table = tables[name]
        assert lines[0] == [column["label"] for column in table["columns"]]
        first = table["columns"][0]["key"]
        table_rows = table["rows"] + ([table["total"]] if table.get("total") else [])
        assert [line[0] for line in lines[1:]] == [str(row[first]) for row in table_rows]
    assert sorted(names) == sorted(tables)
    return names


def by_recipient(messages: list[dict]) -> dict[str, list]:
    """To: address -> the parsed messages addressed to it."""
    found: dict[str, list] = {}
    for raw in messages:
        message = parse(raw["raw_data"])
        found.setdefault(message["To"], []).append((raw, message))
    return found


# -- through moto's server ---------------------------------------------------------------------


def test_a_monthly_run_sends_each_report_to_each_recipient_once_and_a_correction_once(
    tmp_path, moto
):
    personas = {
        "cfo": {"to": ["cfo@example.com", "partner@example.com"]},
        "cto": {"to": ["cto@example.com"]},
    }
    config_path = portfolio(tmp_path, ses_delivery(moto.url), personas)

    result = run_month(config_path)
    assert result.success, failures(result)
    sent = moto.messages()
    assert len(sent) == 3
    received = by_recipient(sent)
    expected = {
        "cfo@example.com": CFO_SUBJECT,
        "partner@example.com": CFO_SUBJECT,
        "cto@example.com": CTO_SUBJECT,
    }
    assert {to: [m["Subject"] for _, m in got] for to, got in received.items()} == {
        to: [subject] for to, subject in expected.items()
    }
    cfo_figures = report_figures(config_path, "cfo")
    for [(raw, message)] in received.values():
        assert raw["source"] == SENDER
        assert message["From"] == SENDER
        # the archive is in the envelope only: never in a header (nor anywhere in the message)
        assert ARCHIVE in raw["destinations"]
        assert message["Bcc"] is None and message["Cc"] is None
        assert ARCHIVE not in raw["raw_data"]
        assert message.get_body(("plain",)).get_content().strip()
        if message["Subject"] == CFO_SUBJECT:
            assert check_cid_images(message) >= 1  # the CFO report has charts
            assert check_csv_attachments(message, cfo_figures)  # and key tables as CSV
        else:
            check_cid_images(message)
    recorded = ledger(config_path)
    assert [(r["report"], r["recipient"], r["status"], r["attempts"]) for r in recorded] == [
        ("cfo", "cfo@example.com", "sent", 1),
        ("cfo", "partner@example.com", "sent", 1),
        ("cto", "cto@example.com", "sent", 1),
    ]
    assert {r["message_id"] for r in recorded} == {m["id"] for m in sent}
    assert all(r["envelope"] == [r["recipient"], ARCHIVE] for r in recorded)

    # unchanged data: a rerun sends nothing
    result = run_month(config_path)
    assert result.success, failures(result)
    assert len(moto.messages()) == 3

    # a corrected ledger line (March sales 1,400 -> 1,500): the CFO report changes, the CTO
    # report does not; one "Corrected:" edition goes to each CFO recipient, nothing to the CTO
    corrected = [line.replace("1400.00", "1500.00") for line in LEDGER_LINES]
    (tmp_path / "data" / "shop" / "ledger.csv").write_text(ledger_csv(corrected))
    result = run_month(config_path)
    assert result.success, failures(result)
    new = moto.messages()[3:]
    received = by_recipient(new)
    assert sorted(received) == ["cfo@example.com", "partner@example.com"]
    for [(raw, message)] in received.values():
        # the verdict of the corrected figures: cash 100.00 higher, so is its change
        assert message["Subject"] == (
            "Corrected: Executive Report: CFO - Mar 2025 - cash $6.1K (+$650), cash not falling"
        )
        assert ARCHIVE in raw["destinations"]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "WHAT CHANGED" in text and "What changed" in html
        # the portfolio's revenue, each entity's on its basis (decision 38)
        assert "Revenue, each entity on its basis: $1,400.00 → $1,500.00" in text
        assert "Revenue, each entity on its basis: $1,400.00 → $1,500.00" in html
        # the corrected figures are in the body, and the rest of the report comes with it
        assert check_cid_images(message) >= 1
        check_csv_attachments(message, report_figures(config_path, "cfo"))
    corrections = [r for r in ledger(config_path) if r["edition"] == 2]
    assert [(r["report"], r["recipient"], r["correction"], r["status"]) for r in corrections] == [
        ("cfo", "cfo@example.com", True, "sent"),
        ("cfo", "partner@example.com", True, "sent"),
    ]


def test_an_unverified_sender_fails_the_preflight_and_nothing_is_sent(tmp_path, moto_server):
    moto_server.reset()  # no identity verified
    config_path = portfolio(tmp_path, ses_delivery(moto_server.url))

    result = run_month(config_path)

    assert not result.success
    failed = failures(result)
    assert list(failed) == ["delivery__emails"]  # the reports were made; only delivery failed
    reason = failed["delivery__emails"]
    assert "pre-flight failed, nothing sent" in reason
    assert f"the sender {SENDER} is not verified in SES in us-east-1" in reason
    # it says what to do about it
    assert "verify the address or its domain in SES" in reason
    assert "or change delivery.sender" in reason
    assert moto_server.messages() == []
    assert ledger(config_path) == []


# -- throttling, timeouts --------------------------------------------------------------------


def test_throttling_is_retried_until_the_message_is_taken(tmp_path):
    with FakeSes(["throttle", "throttle-400", "ok"]) as ses:
        config_path = portfolio(tmp_path, ses_delivery(ses.url, retry_base_seconds=0.01))
        result = run_month(config_path)

    assert result.success, failures(result)
    # the pre-flight asked whether the sender is verified and for the quota, then three sends
    assert ses.actions == ["GetIdentityVerificationAttributes", "GetSendQuota"]
    assert [s.outcome for s in ses.sends] == ["throttle", "throttle-400", "ok"]
    assert all(s.to == ["cfo@example.com"] and s.bcc == [ARCHIVE] for s in ses.sends)
    assert len({s.raw for s in ses.sends}) == 1  # the same message each time
    [delivered] = ses.delivered
    [row] = ledger(config_path)
    assert (row["recipient"], row["status"], row["attempts"]) == ("cfo@example.com", "sent", 3)
    assert row["message_id"] == delivered.message_id


def test_a_send_without_an_answer_is_unknown_never_resent_until_the_operator_says_so(
    tmp_path, moto, cli_here
):
    personas = {"cfo": {"to": ["a@example.com", "b@example.com"]}}
    with FakeSes(["stall", "ok"]) as ses:
        config_path = portfolio(
            tmp_path,
            ses_delivery(
                ses.url,
                ses={"region_name": "us-east-1", "endpoint_url": ses.url, "read_timeout": 1},
            ),
            personas,
        )
        result = run_month(config_path)

        # a@ got no answer in 1 s: it may have arrived, so it is unknown; b@ was still sent
        assert not result.success
        reason = failures(result)["delivery__emails"]
        assert "1 message(s) not delivered for 2025-03" in reason
        assert "cfo -> a@example.com: unknown (no answer in 1 s" in reason
        assert "exec-reporting deliveries" in reason
        assert [s.to for s in ses.sends] == [["a@example.com"], ["b@example.com"]]
        assert [s.to for s in ses.delivered] == [["b@example.com"]]
        statuses = {r["recipient"]: (r["status"], r["attempts"]) for r in ledger(config_path)}
        assert statuses == {"a@example.com": ("unknown", 1), "b@example.com": ("sent", 1)}

        # a rerun of the month sends nothing for it: no second request reaches the server
        result = run_month(config_path)
        assert not result.success
        assert (
            "cfo -> a@example.com: waiting (ledger says unknown)"
            in (failures(result)["delivery__emails"])
        )
        assert len(ses.sends) == 2

        code, listed = cli_here(config_path, "deliveries")
        assert code == 0, listed
        assert deliveries_listed(listed) == {"a@example.com": "unknown"}
        assert "may or may not have arrived" in listed
        assert "exec-reporting resend --unknown" in listed
        stalled = ses.sends[0]

    # the operator checked it did not arrive: resend, through a server that answers
    point_at(config_path, moto.url)
    code, resent = cli_here(config_path, "resend", "--unknown")
    assert code == 0, resent
    assert "resend: 1 sent" in resent
    [raw] = moto.messages()
    message = parse(raw["raw_data"])
    assert message["To"] == "a@example.com"
    assert ARCHIVE in raw["destinations"]
    # byte for byte the message that got no answer
    assert raw["raw_data"].encode("utf-8") == stalled.raw
    assert message["Subject"] == CFO_SUBJECT
    # each recipient has exactly one: a@ from the resend, b@ from the first run
    assert moto.per_recipient()["a@example.com"] == 1
    assert moto.per_recipient()["b@example.com"] == 0
    assert [s.to for s in ses.delivered] == [["b@example.com"]]
    statuses = {r["recipient"]: (r["status"], r["attempts"]) for r in ledger(config_path)}
    assert statuses == {"a@example.com": ("sent", 2), "b@example.com": ("sent", 1)}
    code, listed = cli_here(config_path, "deliveries")
    assert (code, listed.strip()) == (0, "No messages pending, unknown or failed.")


# -- a run killed in the middle of its sends ---------------------------------------------------


@pytest.mark.process
def test_a_run_killed_mid_send_then_rerun_never_sends_anyone_two(tmp_path, moto, cli_here):
    """`exec-reporting run` killed with SIGKILL while its 18th of 50 sends is in flight.

    The kill lands at a known point: a proxy in front of moto holds the 18th SendEmail and never
    forwards it. (Killing when data.json shows some count instead races with the sender: the
    server stores a message before the sender records it as sent, so the kill often lands in
    between, and then the ledger says pending for a message that did arrive.)"""
    recipients = [f"r{i:02d}@example.com" for i in range(50)]
    # 20 a second: the 50 sends take a few seconds; the 18th is held in flight at the proxy
    proxy = HoldingProxy(moto.url, hold_send=18).start()
    try:
        config_path = portfolio(
            tmp_path,
            ses_delivery(proxy.url, bcc=[], max_send_rate=20),
            {"cfo": {"to": recipients}},
        )
        log = (tmp_path / "run.log").open("w")
        process = subprocess.Popen(
            [str(BIN / "exec-reporting"), "--config", str(config_path), "run", "--month", MONTH],
            cwd=tmp_path,
            env=cli_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 180
            while not proxy.held.wait(timeout=0.2):
                assert process.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "the run never reached its 18th send"
            # 17 arrived, the 18th is in flight: kill the run and every process it started
            assert len(moto.messages()) == 17
            os.killpg(process.pid, signal.SIGKILL)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            log.close()
        assert process.returncode == -signal.SIGKILL
        proxy.release()  # the held send is never forwarded: it did not arrive

        # run again: the warehouse (DuckDB replays its WAL) and the instance still work
        code, output = cli_here(config_path, "run", "--month", MONTH)
        counts = moto.per_recipient()
        assert max(counts.values()) == 1, counts  # nobody received two messages
        missing = [r for r in recipients if counts[r] == 0]
        assert missing == [recipients[17]]
        # the run sent everything else; only the message that was in flight waits for the
        # operator, and the run says so
        assert code == 1, output
        assert output.count("failed step:") == 1, output
        assert "failed step: delivery__emails" in output, output
        assert "1 message(s) not delivered" in output, output
        assert f"cfo -> {recipients[17]}: waiting (ledger says pending)" in output, output

        # every message the server lacks is listed as pending or unknown
        listed = cli(config_path, "deliveries")
        assert listed.returncode == 0, listed.stdout + listed.stderr
        assert deliveries_listed(listed.stdout) == {recipients[17]: "pending"}
        assert "exec-reporting resend --unknown" in listed.stdout

        code, output = cli_here(config_path, "resend", "--unknown")
        assert code == 0, output
        assert "resend: 1 sent" in output
    finally:
        proxy.stop()

    counts = moto.per_recipient()
    assert {r: counts[r] for r in recipients} == dict.fromkeys(recipients, 1)
    assert len(moto.messages()) == 50
    assert {(r["status"], r["edition"]) for r in ledger(config_path)} == {("sent", 1)}


# -- the pace and the retry rules, with a fake clock and a fake transport ---------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.slept.append(seconds)
        self.now += seconds


def test_pace_allows_at_most_the_rate_a_second():
    clock = FakeClock()
    pace = Pace(4, sleep=clock.sleep, clock=clock.clock)
    starts = []
    for _ in range(9):
        pace.wait()
        starts.append(clock.now)
    # back-to-back sends: the first goes at once, each next one a quarter second later
    assert clock.slept == pytest.approx([0.25] * 8)
    assert sum(clock.slept) == pytest.approx(2.0)
    for i in range(len(starts) - 4):
        assert starts[i + 4] - starts[i] >= 1.0 - 1e-9  # never 5 sends within one second

    # time spent elsewhere counts: a send 0.1 s after the last waits only 0.15 s more, one
    # 0.3 s after it does not wait at all
    clock.slept.clear()
    clock.now += 0.1
    pace.wait()
    clock.now += 0.3
    pace.wait()
    assert clock.slept == pytest.approx([0.15])


def test_pace_without_a_rate_never_waits():
    clock = FakeClock()
    pace = Pace(None, sleep=clock.sleep, clock=clock.clock)
    for _ in range(5):
        pace.wait()
    assert clock.slept == []


class FakeTransport:
    name = "fake"

    def __init__(self, *outcomes) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[bytes] = []

    def preflight(self, sender):  # pragma: no cover - not used here
        raise AssertionError

    def send(self, raw, sender, to, bcc, meta) -> str:
        self.calls.append(raw)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@pytest.fixture
def retry_config(tmp_path):
    path = write_portfolio(
        tmp_path,
        FILES,
        delivery={
            "transport": "ses",
            "sender": SENDER,
            "max_attempts": 4,
            "retry_base_seconds": 0.5,
        },
    )
    return load_config(path)


def send(transport, config, sleeps):
    return send_with_retries(
        transport,
        b"raw",
        SENDER,
        ["to@example.com"],
        [ARCHIVE],
        {},
        config,
        Pace(None),
        sleep=sleeps.append,
    )


def test_not_sent_is_retried_up_to_max_attempts_with_growing_backoff(retry_config):
    sleeps: list[float] = []
    transport = FakeTransport(*[NotSent("Throttling: Maximum sending rate exceeded.")] * 4)
    attempt = send(transport, retry_config, sleeps)
    assert (attempt.status, attempt.attempts) == ("failed", 4)
    assert "gave up after 4 attempts" in attempt.error
    assert transport.calls == [b"raw"] * 4
    # exponential backoff from 0.5 s with up to 0.5 s of jitter, between the attempts only
    assert len(sleeps) == 3
    for sleep, low in zip(sleeps, (0.5, 1.0, 2.0), strict=True):
        assert low <= sleep <= low + 0.5
    assert sleeps == sorted(sleeps)


def test_not_sent_then_sent_counts_every_attempt(retry_config):
    sleeps: list[float] = []
    transport = FakeTransport(NotSent("throttled"), NotSent("connection refused"), "id-1")
    attempt = send(transport, retry_config, sleeps)
    assert (attempt.status, attempt.attempts, attempt.message_id) == ("sent", 3, "id-1")
    assert len(sleeps) == 2 and len(transport.calls) == 3


def test_refused_fails_at_once(retry_config):
    sleeps: list[float] = []
    transport = FakeTransport(Refused("MessageRejected: Email address is not verified."))
    attempt = send(transport, retry_config, sleeps)
    assert (attempt.status, attempt.attempts) == ("failed", 1)
    assert "not verified" in attempt.error
    assert sleeps == [] and len(transport.calls) == 1


def test_outcome_unknown_is_unknown_at_once_and_never_retried(retry_config):
    sleeps: list[float] = []
    transport = FakeTransport(OutcomeUnknown("no answer in 30 s"), "never used")
    attempt = send(transport, retry_config, sleeps)
    assert (attempt.status, attempt.attempts) == ("unknown", 1)
    assert attempt.error == "no answer in 30 s"
    assert sleeps == [] and len(transport.calls) == 1
