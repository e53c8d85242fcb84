"""Helpers for tests/test_operations.py: a small portfolio over the last complete months, and what
a test reads back from a Dagster instance, the report folder and the outbox."""

from __future__ import annotations

import calendar
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from conftest import write_portfolio

from exec_reporting.cli import INSTANCE_TEMPLATE

BIN = Path(sys.executable).parent
TIMEZONE = "America/Los_Angeles"
LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
BOOKINGS = "booking_id,channel,booked_on,service_date,amount,paid_on,status\n"
PERSONAS = ("ceo", "cfo", "cto", "cmo", "accounting")
ENTITIES = [
    {"id": "shop", "name": "The Shop", "kind": "charter", "opening_cash": "1000.00"},
    {"id": "flat", "name": "Flat 12", "kind": "rental", "opening_cash": "500.00"},
]


def last_complete_months(count: int) -> list[str]:
    """The last `count` complete months (YYYY-MM) in the portfolio's time zone: with first_month
    set to the first of them, they are exactly the report partitions."""
    keys = dg.MonthlyPartitionsDefinition(
        start_date="2020-01", fmt="%Y-%m", timezone=TIMEZONE
    ).get_partition_keys()
    return keys[-count:]


def month_end(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def shop_sales_line(index: int, month: str, amount: str | None = None) -> str:
    """The Shop's one sales line of the index-th month (txn_id S<index>1)."""
    return f"S{index}1,{month}-05,4000,{amount or f'{3000 + 100 * index}.00'},Charter,Guests\n"


def write_ops_portfolio(root: Path, months: list[str]) -> Path:
    """The Shop (kind charter: persona reports only) and Flat 12 (kind rental, with bookings: a
    rental report), a few lines a month each, the last one on the month's last day so every month
    is covered; one recipient per persona, none shared. Returns reporting.yaml."""
    shop = LEDGER + f"S00,{months[0]}-01,3000,20000.00,Owner contribution,Owner\n"
    flat = LEDGER + f"F00,{months[0]}-01,3000,5000.00,Owner contribution,Owner\n"
    bookings = BOOKINGS
    for i, month in enumerate(months):
        shop += shop_sales_line(i, month)
        shop += f"S{i}2,{month}-10,5000,-{900 + 10 * i}.00,Fuel,Fuel Dock\n"
        shop += f"S{i}3,{month_end(month)},6000,-1500.00,Rent,Landlord\n"
        flat += f"F{i}1,{month}-02,4000,1200.00,Rent unit A,Tenant A\n"
        flat += f"F{i}2,{month}-10,6500,-300.00,Mortgage interest,Bank\n"
        flat += f"F{i}3,{month_end(month)},6100,-50.00,Insurance,Insurer\n"
        bookings += f"A-{month},lease,{month}-01,{month}-01,1200.00,{month}-02,confirmed\n"
    return write_portfolio(
        root,
        {"shop/ledger.csv": shop, "flat/ledger.csv": flat, "flat/bookings.csv": bookings},
        entities=ENTITIES,
        timezone=TIMEZONE,
        first_month=months[0],
        personas={p: {"to": [f"{p}@example.com"]} for p in PERSONAS},
    )


def new_dagster_home(path: Path) -> Path:
    """A Dagster home holding the instance config exec-reporting ships (pool "duckdb": 1)."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(INSTANCE_TEMPLATE, path / "dagster.yaml")
    return path


def open_instance(home: Path) -> dg.DagsterInstance:
    """The instance of a Dagster home, opened the public way: DAGSTER_HOME, for the call."""
    before = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        return dg.DagsterInstance.get()
    finally:
        if before is None:
            del os.environ["DAGSTER_HOME"]
        else:
            os.environ["DAGSTER_HOME"] = before


def cli_environment(home: Path, config_path: Path) -> dict[str, str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DAGSTER_HOME", "EXEC_REPORTING_CONFIG") and not k.startswith("AWS_")
    }
    environment.update(DAGSTER_HOME=str(home), EXEC_REPORTING_CONFIG=str(config_path))
    return environment


def start_cli(home: Path, config_path: Path, log: Path, *args: str) -> subprocess.Popen:
    """`exec-reporting --config <config> <args>` on the instance at `home`, in a session of its own
    (its process group: it and whatever it starts), its output to the file `log` (a pipe nobody
    reads could fill up and stop it)."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(BIN / "exec-reporting"), "--config", str(config_path), *args],
            env=cli_environment(home, config_path),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@contextmanager
def killed_on_exit(*processes: subprocess.Popen) -> Iterator[None]:
    """Whatever happens in the block, none of these processes (started by start_cli) outlives it."""
    try:
        yield
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


STEP_START, STEP_SUCCESS, STEP_FAILURE = (
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
)


def events(instance: dg.DagsterInstance, run_id: str, *types: dg.DagsterEventType) -> list:
    """The run's events of these types, in order."""
    return [
        e for e in instance.all_logs(run_id) if e.is_dagster_event and e.dagster_event_type in types
    ]


def step_intervals(instance: dg.DagsterInstance, run_id: str) -> dict[str, tuple[float, float]]:
    """{step key: (STEP_START time, STEP_SUCCESS or STEP_FAILURE time)} of a finished run."""
    starts, intervals = {}, {}
    for event in events(instance, run_id, STEP_START, STEP_SUCCESS, STEP_FAILURE):
        key = event.dagster_event.step_key
        if event.dagster_event_type == STEP_START:
            starts[key] = event.timestamp
        else:
            intervals[key] = (starts.pop(key), event.timestamp)
    assert not starts, f"steps of run {run_id} that never ended: {sorted(starts)}"
    return intervals


def warehouse_intervals(instance: dg.DagsterInstance, run_id: str) -> list[tuple[float, float]]:
    """When each step of a run held the warehouse open: (opened, closing) times, from the log
    lines resources/warehouse.py writes around every connection."""
    intervals, opened = [], None
    for entry in instance.all_logs(run_id):
        message = entry.user_message or ""
        if message.startswith("warehouse connection opened"):
            assert opened is None, "a step opened the warehouse twice at once"
            opened = entry.timestamp
        elif message.startswith("warehouse connection closing"):
            intervals.append((opened, entry.timestamp))
            opened = None
    assert opened is None, f"run {run_id} left the warehouse open"
    return intervals


def running_steps(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The steps of a run that started and have not ended (yet)."""
    started = []
    for event in events(instance, run_id, STEP_START, STEP_SUCCESS, STEP_FAILURE):
        key = event.dagster_event.step_key
        if event.dagster_event_type == STEP_START:
            started.append(key)
        else:
            started.remove(key)
    return started


def report_editions(reports: Path) -> dict[tuple[str, str], bytes]:
    """{(report name, month): the JSON edition's bytes} of every rendered report."""
    return {(p.stem, p.parent.name): p.read_bytes() for p in sorted(reports.glob("*/*.json"))}


def outbox_messages(outbox: Path) -> set[str]:
    """Every message in the outbox, as <month>/<report>/<file>."""
    return {p.relative_to(outbox).as_posix() for p in outbox.rglob("*.eml")}


def has_open(pid: int, path: Path) -> bool:
    """Whether the process has the file open (from /proc/<pid>/fd)."""
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for descriptor in descriptors:
        try:
            if os.readlink(descriptor) == str(path):
                return True
        except OSError:
            continue
    return False


def waits_for_a_file_lock(pid: int) -> bool:
    """Whether the process is blocked on a file lock: /proc/locks lists each blocked request as
    `N: -> FLOCK ADVISORY WRITE <pid> ...`."""
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if len(fields) > 5 and fields[1] == "->" and fields[5] == str(pid):
            return True
    return False


@contextmanager
def started_together(home: Path, *commands: tuple[Path, Path, list[str]]) -> Iterator[list]:
    """Start the commands ((config, log, argv) each, on the Dagster home `home`, which has no
    storage yet) and let them reach the instance's storage at the same moment: the run storage's
    SQLite file is held locked (as by a third process writing it) until every process has it
    open, or waits for a file lock (the fix: its turn to create the instance), or has exited.
    Started like this, two commands on today's main collide on creating the storage most times,
    instead of once in a while."""
    runs_db = home / "history" / "runs.db"
    runs_db.parent.mkdir(parents=True)
    gate = sqlite3.connect(runs_db, isolation_level=None)
    try:
        gate.execute("begin exclusive")
        processes = [start_cli(home, config, log, *argv) for config, log, argv in commands]
        with killed_on_exit(*processes):
            while not all(
                has_open(p.pid, runs_db) or waits_for_a_file_lock(p.pid) or p.poll() is not None
                for p in processes
            ):
                time.sleep(0.02)
            gate.execute("rollback")
            yield processes
    finally:
        gate.close()
