"""Faults fail fast and clearly: a warehouse another process holds, a damaged warehouse (and the
send ledger that survives its rebuild), and two runs started at once on a new Dagster home.

Each is a real fault: a second process holding the DuckDB file open, a file cut short or
overwritten with random bytes, two `exec-reporting run` processes on a home with no storage yet.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml
from ops_helpers import (
    events,
    killed_on_exit,
    last_complete_months,
    new_dagster_home,
    open_instance,
    outbox_messages,
    started_together,
    write_ops_portfolio,
)

from exec_reporting.cli import EXIT_WAREHOUSE_UNAVAILABLE
from exec_reporting.cli import main as cli_main
from exec_reporting.config import CONFIG_ENV, ReportingConfig, load_config
from exec_reporting.definitions import MONTHLY_JOB, build_definitions
from exec_reporting.sqlfiles import execute
from exec_reporting.warehouse import WarehouseUnavailable, connect

# the slow tier: processes of their own, or whole packs through the commands on a persistent
# instance (make check leaves it out; make test runs it)
pytestmark = pytest.mark.process

MONTHS = last_complete_months(2)
MONTH = MONTHS[-1]


def with_settings(config_path: Path, **settings) -> ReportingConfig:
    """Rewrite reporting.yaml with these top-level keys set; the loaded config."""
    data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    data.update(settings)
    config_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_config(config_path)


@pytest.fixture
def cli(monkeypatch, capsys):
    """`exec-reporting ...` in this process, on its own Dagster home: (exit code, output)."""

    def run(config_path: Path, *args: str) -> tuple[int, str]:
        monkeypatch.delenv("DAGSTER_HOME", raising=False)  # the home beside the warehouse
        config = load_config(config_path)
        monkeypatch.setenv(CONFIG_ENV, str(config_path))
        monkeypatch.setenv("DAGSTER_HOME", str(config.dagster_home))
        capsys.readouterr()
        code = cli_main(["--config", str(config_path), *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return run


HOLDER = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
    + ("time.sleep(600)")
)


@contextmanager
def held_open(path: Path) -> Iterator[subprocess.Popen]:
    """Another process holding the DuckDB file open, as a run or a `duckdb` shell would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    with killed_on_exit(holder):
        assert holder.stdout.readline().strip() == "held"
        yield holder


def user_messages(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [entry.user_message or "" for entry in instance.all_logs(run_id)]


def step_failure_descriptions(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    return {
        event.step_key: event.step_failure_data.user_failure_data.description
        for event in result.all_events
        if event.event_type_value == "STEP_FAILURE"
        and event.step_failure_data.user_failure_data is not None
    }


# -- 1. a warehouse held open by another process ------------------------------------------------


def test_a_held_warehouse_fails_the_command_within_the_wait_naming_the_holder(tmp_path, cli):
    config_path = write_ops_portfolio(tmp_path, MONTHS)
    config = with_settings(config_path, warehouse_lock_timeout_seconds=2)
    with held_open(config.warehouse_path) as holder:
        code, output = cli(config_path, "run", "--month", MONTH)
        backfill_code, backfill_output = cli(config_path, "backfill", "--stale")

    assert code == EXIT_WAREHOUSE_UNAVAILABLE, output
    # one message names the file, the holding process and its command line, and what to do
    assert output.count(f"process {holder.pid} ") == 1, output
    (message,) = [line for line in output.splitlines() if f"process {holder.pid}" in line]
    assert f"the warehouse {config.warehouse_path} is held by process {holder.pid} " in message
    assert "(python -c import duckdb, sys, time;" in message
    assert "still after 2 s (warehouse_lock_timeout_seconds in reporting.yaml)" in message
    assert f"(`kill {holder.pid}`), then run again" in message
    # no Dagster run was launched, so no step waited at all
    with open_instance(config.dagster_home) as instance:
        assert instance.get_run_records() == []
    # `backfill` checks first too, with the same words
    assert backfill_code == EXIT_WAREHOUSE_UNAVAILABLE, backfill_output
    assert message in backfill_output


def test_in_a_run_one_step_waits_for_a_held_warehouse_and_the_others_fail_at_once(tmp_path):
    """A run the CLI did not check first (the schedule's, a sensor's, one started in the UI)."""
    config = with_settings(write_ops_portfolio(tmp_path, MONTHS), warehouse_lock_timeout_seconds=2)
    job = build_definitions(config).resolve_job_def(MONTHLY_JOB)
    home = new_dagster_home(tmp_path / "dagster_home")
    with open_instance(home) as instance:
        with held_open(config.warehouse_path) as holder:
            result = job.execute_in_process(
                instance=instance, partition_key=MONTH, raise_on_error=False
            )
        assert not result.success
        failures = step_failure_descriptions(result)
        # every root step of the pack opens the warehouse: each failed, with the one message
        assert len(failures) > 1, failures
        assert len(set(failures.values())) == 1, failures
        (message,) = set(failures.values())
        assert f"is held by process {holder.pid} (python -c import duckdb" in message
        assert "warehouse_lock_timeout_seconds" in message
        # one step waited; the others did not wait again
        logs = user_messages(instance, result.run_id)
        waits = [m for m in logs if m.startswith("warehouse lock: ") and "waiting up to 2 s" in m]
        assert len(waits) == 1, waits
        not_again = [m for m in logs if "not waiting again" in m]
        assert len(not_again) == len(failures) - 1
        # and none succeeded or was retried
        assert not events(instance, result.run_id, dg.DagsterEventType.STEP_SUCCESS)
        assert not events(instance, result.run_id, dg.DagsterEventType.STEP_UP_FOR_RETRY)


# -- 2. a damaged warehouse; the send ledger survives its rebuild --------------------------------


def ledger_rows(config: ReportingConfig) -> list[tuple]:
    with connect(config.warehouse_path, config.send_ledger_path, read_only=True) as conn:
        return conn.execute(
            "select report, period, recipient, content_sha256, edition, status "
            "from delivery.messages order by all"
        ).fetchall()


def test_a_damaged_warehouse_fails_at_once_and_rebuild_keeps_the_send_ledger(tmp_path, cli):
    config_path = write_ops_portfolio(tmp_path, MONTHS)
    config = load_config(config_path)
    code, output = cli(config_path, "run", "--month", MONTH)
    assert code == 0, output
    sent_before = outbox_messages(config.outbox_path)
    ledger_before = ledger_rows(config)
    assert sent_before and {row[4:] for row in ledger_before} == {(1, "sent")}

    # cut short, as by a full disk or a copy interrupted half way
    warehouse = config.warehouse_path
    damaged = warehouse.read_bytes()[: warehouse.stat().st_size // 3]
    warehouse.write_bytes(damaged)

    code, output = cli(config_path, "run", "--month", MONTH)
    assert code == EXIT_WAREHOUSE_UNAVAILABLE, output
    # DuckDB's own error when what it needs to open the file is in the part cut off; when that
    # part is left, what the file's size says
    assert re.search(
        rf"the warehouse {re.escape(str(warehouse))} is damaged \((DuckDB: Could not read enough "
        rf"bytes from file \"{re.escape(str(warehouse))}\": attempted to read \d+ bytes from "
        rf"location \d+|the file is {len(damaged)} bytes, too short for the \d+ blocks of \d+ bytes it "
        r"uses: it was cut short)\)",
        output,
    ), output
    assert "run `exec-reporting rebuild`" in output
    assert "waiting" not in output  # no retry, no wait

    code, output = cli(config_path, "rebuild")
    assert code == 0, output
    (moved,) = warehouse.parent.glob(f"{warehouse.name}.damaged-*")
    assert re.fullmatch(rf"{re.escape(warehouse.name)}\.damaged-\d{{8}}T\d{{6}}", moved.name)
    assert moved.read_bytes() == damaged  # moved aside, never deleted
    assert f"rebuild: moved {warehouse} aside to {moved} (damaged: " in output
    assert f"the send ledger {config.send_ledger_path} is as it was" in output
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert conn.execute("select count(*) from raw.ledger").fetchone()[0] > 0
        assert conn.execute("select count(*) from metrics.burn").fetchone()[0] > 0
    assert ledger_rows(config) == ledger_before

    # the month again: reports rendered again from the rebuilt warehouse, nothing sent twice
    code, output = cli(config_path, "run", "--month", MONTH)
    assert code == 0, output
    assert outbox_messages(config.outbox_path) == sent_before
    assert ledger_rows(config) == ledger_before


def test_a_garbage_warehouse_fails_its_run_at_once_without_retries(tmp_path, cli):
    config = with_settings(write_ops_portfolio(tmp_path, MONTHS), warehouse_lock_timeout_seconds=30)
    config.warehouse_path.parent.mkdir(parents=True)
    config.warehouse_path.write_bytes(os.urandom(64 * 1024))
    expected = (
        f'the warehouse {config.warehouse_path} is damaged (DuckDB: The file "'
        f'{config.warehouse_path}" exists, but it is not a valid DuckDB database file!). '
    )

    # the command says so before it launches anything
    code, output = cli(config.source, "run", "--month", MONTH)
    assert code == EXIT_WAREHOUSE_UNAVAILABLE, output
    assert expected in output and "`exec-reporting rebuild`" in output

    # a run launched another way: its warehouse steps fail at once, none waits or is retried
    job = build_definitions(config).resolve_job_def(MONTHLY_JOB)
    with open_instance(new_dagster_home(tmp_path / "other_home")) as instance:
        result = job.execute_in_process(
            instance=instance, partition_key=MONTH, raise_on_error=False
        )
        failures = step_failure_descriptions(result)
        assert failures and all(d.startswith(expected) for d in failures.values()), failures
        assert not [m for m in user_messages(instance, result.run_id) if "waiting" in m]
        assert not events(instance, result.run_id, dg.DagsterEventType.STEP_UP_FOR_RETRY)


def test_a_damaged_send_ledger_stops_rebuild_before_anything_moves(tmp_path, cli):
    config_path = write_ops_portfolio(tmp_path, MONTHS)
    config = load_config(config_path)
    connect(config.warehouse_path, config.send_ledger_path).close()
    warehouse_bytes = config.warehouse_path.read_bytes()
    config.send_ledger_path.write_bytes(os.urandom(16 * 1024))
    ledger_bytes = config.send_ledger_path.read_bytes()

    for command in (["rebuild"], ["run", "--month", MONTH]):
        code, output = cli(config_path, *command)
        assert code == EXIT_WAREHOUSE_UNAVAILABLE, output
        assert f"the send ledger {config.send_ledger_path} is damaged" in output
        assert "cannot be rebuilt from the source files; nothing was moved or sent" in output
    # both files where and as they were
    assert sorted(p.name for p in config.warehouse_path.parent.glob("*.duckdb*")) == [
        config.send_ledger_path.name,
        config.warehouse_path.name,
    ]
    assert config.warehouse_path.read_bytes() == warehouse_bytes
    assert config.send_ledger_path.read_bytes() == ledger_bytes


# -- the send ledger moves out of an older warehouse ----------------------------------------------


def legacy_warehouse(path: Path, sent: list[str]) -> None:
    """A warehouse as earlier versions left it: the send ledger in its schema `delivery`."""
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema delivery")
        execute(conn, "delivery/schema")  # in a bare warehouse: the schema `delivery` of it
        conn.execute("create schema raw; create table raw.ledger as select 1 as line")
        for recipient in sent:
            conn.execute(
                "insert into delivery.messages (report, period, recipient, content_sha256, "
                "edition, correction, subject, envelope, status, raw, created_at, updated_at) "
                "values ('cfo', '2025-01', $to, 'abc', 1, false, 'CFO', [$to], 'sent', "
                "'raw'::blob, now(), now())",
                {"to": recipient},
            )
        conn.execute(
            "insert into delivery.held_periods (period, entity_id, name, last_ledger_date, "
            "noted_at) values ('2025-02', 'shop', 'Shop', null, now())"
        )


def test_an_older_warehouse_moves_its_send_ledger_into_the_ledger_file_once(tmp_path):
    warehouse, ledger = tmp_path / "warehouse.duckdb", tmp_path / "send-ledger.duckdb"
    legacy_warehouse(warehouse, ["a@example.com", "b@example.com"])

    # read-only, it cannot move it: it says so
    with pytest.raises(WarehouseUnavailable, match="open it once for writing"):
        connect(warehouse, ledger, read_only=True)

    for _ in range(2):  # the second open finds nothing to move
        with connect(warehouse, ledger) as conn:
            assert conn.execute(
                "select recipient, status from delivery.messages order by all"
            ).fetchall() == [("a@example.com", "sent"), ("b@example.com", "sent")]
            assert conn.execute("select count(*) from delivery.held_periods").fetchone() == (1,)
            assert conn.execute("select count(*) from raw.ledger").fetchone() == (1,)
    # the rows are in the ledger file, the warehouse has no `delivery` schema any more
    with duckdb.connect(str(ledger), read_only=True) as conn:
        assert conn.execute("select count(*) from messages").fetchone() == (2,)
        assert conn.execute("select count(*) from held_periods").fetchone() == (1,)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        schemas = conn.execute(
            "select schema_name from duckdb_schemas() where database_name = current_database()"
        ).fetchall()
        assert ("delivery",) not in schemas and ("raw",) in schemas


def test_a_move_interrupted_before_the_drop_copies_nothing_twice(tmp_path):
    warehouse, ledger = tmp_path / "warehouse.duckdb", tmp_path / "send-ledger.duckdb"
    legacy_warehouse(warehouse, ["a@example.com"])
    # the copy committed, then the process died before the warehouse's tables were dropped
    with duckdb.connect() as conn:
        conn.execute("attach $p as legacy_warehouse", {"p": str(warehouse)})
        conn.execute("attach $p as delivery", {"p": str(ledger)})
        execute(conn, "delivery/schema")
        execute(conn, "delivery/migrate_legacy_ledger")
    with connect(warehouse, ledger) as conn:
        assert conn.execute("select count(*) from delivery.messages").fetchone() == (1,)
        assert conn.execute("select count(*) from delivery.held_periods").fetchone() == (1,)


# -- 3. two runs at once on a new Dagster home ----------------------------------------------------


def test_commands_started_together_on_a_new_dagster_home_all_succeed(tmp_path):
    """Any two commands, on three new homes one after the other: each pair creates its instance
    once, whichever gets there first."""
    config_path = write_ops_portfolio(tmp_path, MONTHS)
    for attempt in range(3):
        home = new_dagster_home(tmp_path / f"dagster_home_{attempt}")
        commands = [
            (config_path, tmp_path / f"{attempt}-{n}.log", ["backfill", "--stale", "--dry-run"])
            for n in range(2)
        ]
        with started_together(home, *commands) as processes:
            for process in processes:
                process.wait(timeout=300)
        logs = [log.read_text() for _, log, _ in commands]
        assert [p.returncode for p in processes] == [0, 0], "\n\n".join(logs)
        assert all("no stale report month" in log for log in logs), logs
