"""The `exec-reporting` command: run the pipeline for a month, the demo, the Dagster UI, and
look after the send ledger.

    exec-reporting run [--month YYYY-MM]   materialize everything for a month on the instance
    exec-reporting demo                    generate the demo portfolio if missing (or outdated), run it
    exec-reporting ui                      the Dagster UI on the same instance
    exec-reporting check                   validate reporting.yaml and the Dagster definitions
    exec-reporting deliveries              messages pending, unknown or failed in the send ledger
    exec-reporting resend --unknown        send those again, on the operator's word
    exec-reporting mark-sent ...           record one as sent (you checked it arrived)
    exec-reporting send-test --to ADDRESS  one report to one address, to check the transport
    exec-reporting rebuild                 move the warehouse aside, rebuild it from the sources
    exec-reporting archive [--open]        build the executive archive, print its file:// path

Exit codes: 0 done, 1 a run or a send failed, 2 a usage or configuration error, 3 the warehouse
or the send ledger cannot be opened (held by another process, or damaged): the message says what
to do, 4 the run succeeded but the month's pack is held: an entity's data does not cover the
month yet (period close), nothing was sent.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from datetime import date
from pathlib import Path

from exec_reporting.alerts import clean_error
from exec_reporting.config import CONFIG_ENV, ConfigError, ReportingConfig, load_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_TEMPLATE = Path(__file__).resolve().parent / "instance" / "dagster.yaml"


class UserError(Exception):
    """A problem the user can fix; printed without a traceback."""


def prepare_environment(config: ReportingConfig) -> Path:
    """Point this process (and every process it starts) at the config and the Dagster instance."""
    os.environ[CONFIG_ENV] = str(config.source)
    home = config.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    create_instance_once(home)
    return home


# A file in the Dagster home: whoever holds its lock is creating the instance.
INSTANCE_LOCK = ".exec-reporting-instance.lock"


def create_instance_once(home: Path) -> None:
    """Copy the instance config and create the instance's storage, under an exclusive lock on a
    file in the Dagster home. Two commands started at once on a new home would otherwise both
    create the SQLite storage, and one fails ("table runs already exists"); under the lock the
    second finds it made."""
    import fcntl

    import dagster as dg

    with (home / INSTANCE_LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        instance_yaml = home / "dagster.yaml"
        if not instance_yaml.exists():
            shutil.copyfile(INSTANCE_TEMPLATE, instance_yaml)
        # opening the instance creates its storage when there is none yet
        with dg.DagsterInstance.get():
            pass


def _month_key(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def resolve_month(config: ReportingConfig, requested: str | None, partitions) -> str:
    """The report month to run: the one asked for, else the latest month the ledgers cover."""
    from exec_reporting.ingest import latest_ledger_date

    keys = partitions.get_partition_keys()
    if not keys:
        raise UserError(
            f"no complete month since first_month {config.first_month}: nothing to report yet"
        )
    if requested:
        if requested not in keys:
            raise UserError(
                f"--month {requested}: expected a complete month from {keys[0]} to {keys[-1]} "
                "(first_month in reporting.yaml to the last complete month)"
            )
        return requested
    latest = latest_ledger_date(config)
    if latest is None:
        raise UserError(
            f"no ledger dates found under {config.data_path}: add each entity's ledger.csv "
            "(see docs/data-contract.md) or pass --month"
        )
    month = _month_key(latest)
    if month > keys[-1]:
        return keys[-1]  # the data runs into the current month: report the last complete one
    if month < keys[0]:
        raise UserError(
            f"the data ends in {month}, before first_month {keys[0]}: lower first_month in "
            f"{config.source}"
        )
    return month


PID_TAG = "exec_reporting/pid"
HOST_TAG = "exec_reporting/host"
COMMAND_TAG = "exec_reporting/command"
BACKFILL_TAG = "exec_reporting/backfill"


def _run_tags(command: str) -> dict[str, str]:
    import socket

    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname(), COMMAND_TAG: command}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def free_pool_slots(instance, run_id: str) -> None:
    """Free the warehouse pool slots a dead run still holds.

    Dagster has no public call for this: its daemon frees the slots of finished runs
    (run_monitoring `free_slots_after_run_end_seconds`, set in the instance config we ship), but
    `exec-reporting` must work without a daemon, and a slot held by a killed run would keep every
    later run waiting. This is the same event-log storage call the daemon makes; it is the one
    use of a non-public Dagster API in the project (tests/test_operations.py covers it)."""
    instance.event_log_storage.free_concurrency_slots_for_run(run_id)


def reap_dead_runs(instance, out=print) -> int:
    """Runs this command started on this machine whose process is gone (killed, crashed) would
    keep their warehouse concurrency slot forever: mark them failed and free their slots."""
    import socket

    import dagster as dg

    records = instance.get_run_records(
        filters=dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
            tags={HOST_TAG: socket.gethostname()},
        )
    )
    reaped = 0
    for record in records:
        run = record.dagster_run
        pid = int(run.tags.get(PID_TAG, "0") or 0)
        if pid and not _alive(pid) and pid != os.getpid():
            instance.report_run_failed(
                run, f"exec-reporting: the process {pid} of this run is gone (killed or crashed)"
            )
            free_pool_slots(instance, run.run_id)
            out(f"exec-reporting: run {run.run_id} had died (process {pid}); marked failed")
            reaped += 1
    return reaped


def log_level(verbose: bool) -> str:
    return "DEBUG" if verbose else "INFO"


def execute(
    job,
    instance,
    config: ReportingConfig,
    mailer,
    *,
    command: str,
    out=print,
    verbose: bool = False,
    tags: dict[str, str] | None = None,
    **kwargs,
):
    """Execute a job in this process on the instance, print what failed and why, and email the
    failure alert (this command alerts for the runs it starts: assets/alerts.py)."""
    started = time.monotonic()
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={**_run_tags(command), **(tags or {})},
        run_config={"loggers": {"console": {"config": {"log_level": log_level(verbose)}}}},
        **kwargs,
    )
    elapsed = time.monotonic() - started
    if result.success:
        out(f"exec-reporting: run {result.run_id} succeeded in {elapsed:.1f} s")
        return result
    report_failed_run(instance, result.run_id, config, mailer, elapsed, out)
    return result


def report_failed_run(instance, run_id: str, config: ReportingConfig, mailer, elapsed, out):
    """What failed, once: each failed step with its reason, each failed check with its first
    failing rows, the steps that did not run because of them; then the alert."""
    from exec_reporting.assets.alerts import failed_checks, failed_steps, send_failure_alert

    out(f"exec-reporting: run {run_id} FAILED after {elapsed:.1f} s")
    for step, reason in failed_steps(instance, run_id):
        out(f"  failed step: {step}\n  reason: " + reason.replace("\n", "\n    "))
    for check in failed_checks(instance, run_id):
        out("  " + "\n  ".join(check.lines()).replace("Failed check", "failed check", 1))
    blocked = skipped_steps(instance, run_id)
    if blocked:
        out(f"  not run (they depend on a failed step): {', '.join(blocked)}")
    run = instance.get_run_by_id(run_id)
    try:
        send_failure_alert(
            instance, run, config, mailer, lambda line: out(f"exec-reporting: {line}")
        )
    except Exception as error:  # the run's failure is the news; a failed alert is reported
        out(f"exec-reporting: could not send the failure alert: {clean_error(str(error))}")


def skipped_steps(instance, run_id: str) -> list[str]:
    """Steps the run did not execute because a step they depend on failed: the executor says so
    once per step ("Dependencies for step ... Not executing.")."""
    return sorted(
        {
            entry.step_key
            for entry in instance.all_logs(run_id)
            if entry.step_key
            and not entry.is_dagster_event
            and (entry.user_message or "").startswith("Dependencies for step")
        }
    )


# The exit code of `run` when the run succeeded and the month's pack is held (period close).
EXIT_PACK_HELD = 4


def period_close_of(result) -> tuple[str | None, str]:
    """What delivery/emails decided in a run (covered, closed, held, preliminary; None when it
    did not run) and why, from its materialization's metadata."""
    from exec_reporting.assets.delivery import PERIOD_CLOSE_KEY

    for materialization in result.asset_materializations_for_node("delivery__emails"):
        if materialization.asset_key.path == ["delivery", "emails"]:
            metadata = materialization.metadata
            state = metadata.get(PERIOD_CLOSE_KEY)
            reason = metadata.get("period_close_reason")
            return (
                str(getattr(state, "value", state)) if state is not None else None,
                str(getattr(reason, "value", reason) or ""),
            )
    return None, ""


def run_month(
    config: ReportingConfig, month: str | None, out=print, verbose: bool = False
) -> tuple[bool, str]:
    """Materialize the whole graph for one month through Dagster on the persistent instance.

    Returns whether the run succeeded and the month it ran. A run whose pack is held
    (period close) succeeded: it raises PackHeld after saying who is missing what."""
    import dagster as dg

    from exec_reporting.definitions import MONTHLY_JOB, build_definitions

    home = prepare_environment(config)
    defs = build_definitions(config)
    assert defs.resources is not None  # build_definitions always sets them
    job = defs.resolve_job_def(MONTHLY_JOB)
    month = resolve_month(config, month, job.partitions_def)
    check_warehouse(config, out)
    out(f"exec-reporting: running {MONTHLY_JOB} for {month} (Dagster instance: {home})")
    with dg.DagsterInstance.get() as instance:
        reap_dead_runs(instance, out)
        result = execute(
            job,
            instance,
            config,
            defs.resources["mailer"],
            command=f"exec-reporting run --month {month}",
            out=out,
            verbose=verbose,
            partition_key=month,
        )
    if result.success:
        state, reason = period_close_of(result)
        if state == "held":
            out(f"exec-reporting: {reason}")
            raise PackHeld(month)
        if state == "preliminary":
            out(f"exec-reporting: {reason}")
    return result.success, month


class PackHeld(Exception):
    """The run succeeded and the month's pack is held: nothing was sent (exit code 4)."""

    def __init__(self, month: str):
        self.month = month
        super().__init__(month)


def report_locations(config: ReportingConfig, month: str, out=print) -> None:
    reports = config.reports_path / month
    out(f"Reports: {reports}/ ({', '.join(sorted(p.name for p in reports.glob('*.html')))})")
    if config.delivery.transport == "outbox":
        outbox = config.outbox_path / month
        out(f"Outbox:  {outbox}/ ({sum(1 for _ in outbox.rglob('*.eml'))} message(s))")
    else:
        out(f"Email:   sent through {config.delivery.transport}; `exec-reporting deliveries --all`")
    from exec_reporting.site import site_dir

    home = site_dir(config) / "index.html"
    if home.exists():
        out(f"Archive: {home.as_uri()} (`exec-reporting archive --serve` serves it)")
    out(f"Browse runs and lineage with `make ui` (Dagster instance {config.dagster_home}).")


def cmd_run(args) -> int:
    config = load_config(args.config)
    try:
        ok, month = run_month(config, args.month, verbose=args.verbose)
    except PackHeld as held:
        report_locations(config, held.month)
        return EXIT_PACK_HELD
    if ok:
        report_locations(config, month)
    return 0 if ok else 1


def demo_files_missing(config: ReportingConfig) -> list[str]:
    """The ledger files reporting.yaml's sources expect that data_dir lacks: a demo portfolio
    generated by an older version, before an entity's ledger became a bank's statements."""
    from exec_reporting.contract import TABLES_BY_NAME
    from exec_reporting.ingest import source_files

    _, absent = source_files(config, TABLES_BY_NAME["ledger"])
    return [str(file.path) for file in absent if file.required]


def cmd_demo(args) -> int:
    from exec_reporting import demo

    config = load_config(args.config)
    data = config.data_path
    fresh = not (data / "chart_of_accounts.csv").exists()
    missing = [] if args.regenerate or fresh else demo_files_missing(config)
    if missing:
        print(
            f"exec-reporting: the demo portfolio in {data} has no {', '.join(missing)} "
            "(an older version made it): regenerating it"
        )
    if args.regenerate or fresh or missing:
        summary = demo.generate(data)
        print(f"exec-reporting: generated the demo portfolio in {data} ({summary})")
    else:
        print(f"exec-reporting: using the demo portfolio in {data} (--regenerate to rebuild it)")
    try:
        ok, month = run_month(config, args.month, verbose=args.verbose)
    except PackHeld as held:
        report_locations(config, held.month)
        return EXIT_PACK_HELD
    if ok:
        report_locations(config, month)
    return 0 if ok else 1


def cmd_ui(args) -> int:
    config = load_config(args.config)
    prepare_environment(config)
    dagster = shutil.which("dagster") or str(Path(sys.executable).with_name("dagster"))
    argv = [
        dagster,
        "dev",
        "-w",
        str(PROJECT_ROOT / "workspace.yaml"),
        "-h",
        args.host,
        "-p",
        str(args.port),
    ]
    print(
        f"exec-reporting: Dagster UI on http://{args.host}:{args.port} "
        f"(instance {config.dagster_home})",
        flush=True,
    )
    os.chdir(PROJECT_ROOT)
    os.execv(dagster, argv)
    return 0  # not reached


def stale_report_partitions(config: ReportingConfig, instance) -> dict[str, list[str]]:
    """{month: [reports]} of the rendered report months that are stale on this instance: their
    inputs or their code changed since they were rendered (exec_reporting/report_inputs.py)."""
    import duckdb

    from exec_reporting.report_inputs import stale_reports
    from exec_reporting.reports import specs

    if not config.warehouse_path.exists():
        return {}
    with duckdb.connect(str(config.warehouse_path)) as conn:
        return stale_reports(
            conn,
            str(instance.root_directory),
            {kind: spec.code_version for kind, spec in specs().items()},
        )


def cmd_backfill(args) -> int:
    """Re-render the stale report months (after a correction) and deliver their corrections."""
    import dagster as dg

    from exec_reporting.definitions import MONTHLY_JOB, build_definitions

    if not args.stale:
        raise UserError("backfill needs --stale: it re-renders the report months marked stale")
    config = load_config(args.config)
    home = prepare_environment(config)
    check_warehouse(config)
    defs = build_definitions(config)
    assert defs.resources is not None  # build_definitions always sets them
    job = defs.resolve_job_def(MONTHLY_JOB)
    graph = defs.resolve_asset_graph()
    # the archive's assets run with the corrected reports, before delivery (the sensor's runs)
    archive_keys = [
        key
        for key in graph.get_all_asset_keys()
        if graph.get(key).group_name == "archive" and graph.get(key).is_executable
    ]
    with dg.DagsterInstance.get() as instance:
        reap_dead_runs(instance)
        stale = stale_report_partitions(config, instance)
        if not stale:
            print("backfill: no stale report month (nothing changed since the last render)")
            return 0
        for month, kinds in sorted(stale.items()):
            print(f"backfill: {month}: {', '.join(kinds)}")
        if args.dry_run:
            return 0
        failed = []
        for month, kinds in sorted(stale.items()):
            selection = [dg.AssetKey(["reports", k]) for k in kinds]
            # the archive is rebuilt and published before the corrections go out: their links
            # open the corrected pages
            selection += archive_keys
            selection.append(dg.AssetKey(["delivery", "emails"]))
            print(f"backfill: running {month} on {home}", flush=True)
            result = execute(
                job,
                instance,
                config,
                defs.resources["mailer"],
                command="exec-reporting backfill --stale",
                verbose=getattr(args, "verbose", False),
                tags={BACKFILL_TAG: "stale"},
                partition_key=month,
                asset_selection=selection,
            )
            if not result.success:
                failed.append(month)
    if failed:
        print(f"backfill: FAILED for {', '.join(failed)} (see the runs in the UI)")
        return 1
    print(f"backfill: re-rendered {sum(len(k) for k in stale.values())} report month(s)")
    return 0


def _mailer_and_config(args):
    config = load_config(args.config)
    prepare_environment(config)
    from exec_reporting.definitions import build_definitions

    defs = build_definitions(config)
    assert defs.resources is not None  # build_definitions always sets them
    return config, defs.resources["mailer"], defs.resources["warehouse"]


def cmd_deliveries(args) -> int:
    """List the send ledger's messages that need a look (or all of them)."""
    from exec_reporting.delivery import open_messages

    config, _, warehouse = _mailer_and_config(args)
    statuses = (
        ("pending", "sent", "failed", "unknown") if args.all else ("pending", "unknown", "failed")
    )
    with warehouse.get_connection() as conn:
        rows = open_messages(conn, statuses, args.month)
    if not rows:
        print("No messages " + ("recorded" if args.all else "pending, unknown or failed") + ".")
        return 0
    print(
        f"{'month':<8} {'report':<34} {'recipient':<32} {'ed':>2} {'status':<8} {'tries':>5}  error"
    )
    for r in rows:
        print(
            f"{r['period']:<8} {r['report']:<34} {r['recipient']:<32} {r['edition']:>2} "
            f"{r['status']:<8} {r['attempts']:>5}  {r['error'] or ''}"
        )
    waiting = [r for r in rows if r["status"] in ("pending", "unknown")]
    if waiting:
        print(
            f"\n{len(waiting)} message(s) may or may not have arrived (pending: the run stopped "
            "during the send; unknown: a timeout or a server error). Check with the recipients or "
            "the mail service's logs. Those that arrived: `exec-reporting mark-sent --month M "
            "--report R --to ADDRESS`; the rest: `exec-reporting resend --unknown` sends them "
            "again (add --report/--to for one message)."
        )
    return 0


def cmd_resend(args) -> int:
    from exec_reporting.delivery import PreflightError, resend_open

    if not args.unknown:
        raise UserError(
            "resend needs --unknown: it resends the messages whose outcome is not known"
        )
    config, mailer, warehouse = _mailer_and_config(args)
    with warehouse.get_connection() as conn:
        try:
            result = resend_open(
                conn, config, mailer, period=args.month, report=args.report, recipient=args.to
            )
        except PreflightError as error:
            raise UserError(f"pre-flight failed, nothing sent: {error}") from None
    print(f"resend: {result.summary()}")
    return 1 if result.problems else 0


def cmd_mark_sent(args) -> int:
    """The operator checked: a pending or unknown message did arrive. Record it as sent."""
    from exec_reporting.delivery import mark_sent

    if not (args.month and args.report and args.to):
        raise UserError("mark-sent needs --month, --report and --to: one message at a time")
    _, _, warehouse = _mailer_and_config(args)
    with warehouse.get_connection() as conn:
        changed = mark_sent(conn, period=args.month, report=args.report, recipient=args.to)
    if not changed:
        raise UserError(
            f"no pending or unknown {args.report} message for {args.to} in {args.month} "
            "(see `exec-reporting deliveries`)"
        )
    print(f"mark-sent: {args.report} {args.month} -> {args.to} recorded as sent")
    return 0


def cmd_send_test(args) -> int:
    """Send one report to one address, to check the transport and how it looks."""
    from exec_reporting.delivery import (
        Pace,
        PreflightError,
        ReportFiles,
        build_raw,
        send_with_retries,
    )

    config, mailer, _ = _mailer_and_config(args)
    folder = config.reports_path
    months = sorted(p.name for p in folder.glob("*-*") if p.is_dir()) if folder.exists() else []
    month = args.month or (months[-1] if months else None)
    if not month or not (folder / month / f"{args.report}.json").exists():
        raise UserError(
            f"no rendered {args.report} report for {month or 'any month'} in {folder}: run "
            "`exec-reporting run` first"
        )
    report = ReportFiles.read(folder / month, args.report)
    raw, subject = build_raw(report, config, args.to, None)
    try:
        mailer.preflight(config.delivery.sender)
    except PreflightError as error:
        raise UserError(f"pre-flight failed, nothing sent: {error}") from None
    meta = {"report": f"test-{args.report}", "period": month, "recipient": args.to, "edition": 1}
    attempt = send_with_retries(
        mailer, raw, config.delivery.sender, [args.to], [], meta, config, Pace(None)
    )
    print(
        f"send-test: {subject} -> {args.to} through {mailer.name}: {attempt.status}"
        + (f" ({attempt.error})" if attempt.error else "")
    )
    return 0 if attempt.status == "sent" else 1


def cmd_check(args) -> int:
    config = load_config(args.config)
    prepare_environment(config)
    from exec_reporting.definitions import build_definitions
    from exec_reporting.ingest import rules_problems

    problems = rules_problems(config)
    if problems:
        raise ConfigError("\n".join(problems))
    defs = build_definitions(config)
    defs.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    print(f"{config.source}: valid; {len(list(graph.get_all_asset_keys()))} assets")
    return 0


def cmd_glossary(args) -> int:
    """Print the whole glossary as Markdown, or write it (docs/glossary.md): the reference
    behind the one-sentence definitions at the end of each email."""
    from exec_reporting.glossary import glossary_markdown

    text = glossary_markdown()
    if args.write:
        path = Path(args.write)
        path.write_text(text, encoding="utf-8")
        print(f"{path}: {text.count(chr(10) + '- **')} entries")
    else:
        sys.stdout.write(text)
    return 0


def cmd_archive(args) -> int:
    """Build the executive archive from reports_dir, the send ledger and the metric store, and
    print where it is; `--serve` serves it on 127.0.0.1 until interrupted."""
    from exec_reporting.site import build_site
    from exec_reporting.warehouse import connect

    config = load_config(args.config)
    if not config.warehouse_path.exists():
        raise UserError(
            f"no warehouse at {config.warehouse_path}: run a month first (`exec-reporting run`)"
        )
    with connect(
        config.warehouse_path,
        config.send_ledger_path,
        lock_timeout=config.warehouse_lock_timeout_seconds,
    ) as conn:
        written = build_site(conn, config, log=lambda line: print(line, file=sys.stderr))
    home = written.root / "index.html"
    if args.serve is None:
        print((home if args.open else written.root).as_uri())
        return 0
    return serve_site(written.root, args.serve)


def serve_site(root: Path, port: int) -> int:
    """Serve the site's folder on 127.0.0.1 (only this machine) until interrupted."""
    import contextlib
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"http://127.0.0.1:{server.server_port}/index.html (Ctrl-C stops it)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return 0


DESCRIPTION = """\
Persona reports (CEO, CTO, CFO, CMO, Accounting) and domain reports from a small business
owner's exports, built with Dagster and DuckDB and emailed on a schedule. Every command reads
reporting.yaml (--config) and works on the Dagster instance beside the warehouse."""
EPILOG = "Run `exec-reporting <command> --help` for a command's options. Docs: README.md, docs/."


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Shows each option's default, keeps the description's lines."""


# -- the warehouse: held by another process, damaged, rebuilt ---------------------------------

# The exit code when the warehouse or the send ledger cannot be opened (held, damaged).
EXIT_WAREHOUSE_UNAVAILABLE = 3


def check_warehouse(config: ReportingConfig, out=print) -> None:
    """Before a run is launched: the warehouse opens (not held by another process longer than
    warehouse_lock_timeout_seconds, not damaged), or the command fails now, saying why, instead
    of launching a run whose every step would find the same."""
    from exec_reporting.warehouse import connect

    def waiting(_: str) -> None:
        out(
            "exec-reporting: the warehouse is in use by another process: waiting up to "
            f"{config.warehouse_lock_timeout_seconds:g} s for it"
        )

    connect(
        config.warehouse_path,
        config.send_ledger_path,
        lock_timeout=config.warehouse_lock_timeout_seconds,
        on_wait=waiting,
    ).close()


def warehouse_unavailable(error: BaseException):
    """The WarehouseUnavailable behind an error (the warehouse resource raises a Dagster Failure
    caused by it), or None."""
    from exec_reporting.warehouse import WarehouseUnavailable

    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, WarehouseUnavailable):
            return seen
        seen = seen.__cause__
    return None


def cmd_rebuild(args) -> int:
    """Move the warehouse file aside (damaged, or any) and rebuild it from the source files: the
    ingest and the metric store. The send ledger is never moved: it is checked first, and a
    damaged one stops the command before anything is touched."""
    import dagster as dg

    from exec_reporting.definitions import INGEST_JOB, build_definitions
    from exec_reporting.warehouse import WarehouseDamaged, check_send_ledger, connect, move_aside

    config = load_config(args.config)
    prepare_environment(config)
    warehouse, ledger = config.warehouse_path, config.send_ledger_path
    timeout = config.warehouse_lock_timeout_seconds
    check_send_ledger(ledger, timeout)
    if warehouse.exists():
        try:
            # a sound warehouse of an earlier version moves its send ledger out first
            connect(warehouse, ledger, lock_timeout=timeout).close()
            state = "it opened"
        except WarehouseDamaged as damaged:
            state = f"damaged: {damaged.detail}"
        for source, target in move_aside(warehouse):
            print(f"rebuild: moved {source} aside to {target} ({state}); it is kept")
        if not ledger.exists():
            print(
                f"rebuild: WARNING no send ledger at {ledger}: if the moved file held it (an "
                "earlier version kept it in the warehouse), what was sent is not known, and the "
                "next run sends its month's reports again"
            )
    else:
        print(f"rebuild: no warehouse at {warehouse} yet: building it")
    defs = build_definitions(config)
    assert defs.resources is not None  # build_definitions always sets them
    job = defs.resolve_job_def(INGEST_JOB)
    print(f"rebuild: running {INGEST_JOB} from {config.data_path}", flush=True)
    with dg.DagsterInstance.get() as instance:
        reap_dead_runs(instance)
        result = execute(
            job,
            instance,
            config,
            defs.resources["mailer"],
            command="exec-reporting rebuild",
            verbose=args.verbose,
            tags={"exec_reporting/rebuild": "warehouse"},
        )
    if not result.success:
        print(f"rebuild: run {result.run_id} FAILED; the warehouse is not complete")
        return 1
    print(
        f"rebuild: rebuilt {warehouse} (run {result.run_id}: the ingest and the metric store); "
        f"the send ledger {ledger} is as it was. `exec-reporting run` renders the reports and "
        "sends only what was never sent."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        default=argparse.SUPPRESS,
        help=f"path of reporting.yaml (default: ${CONFIG_ENV}, else ./reporting.yaml)",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show every log line of the run, DEBUG included (default: INFO)",
    )
    parser = argparse.ArgumentParser(
        prog="exec-reporting",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=_HelpFormatter,
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="<command>")

    def add(name: str, help: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help,
            description=help[0].upper() + help[1:] + ".",
            formatter_class=_HelpFormatter,
            parents=[common],
            **kwargs,
        )

    run = add("run", "materialize everything for one report month")
    run.add_argument("--month", help="YYYY-MM (default: the latest month in the data)")
    run.set_defaults(func=cmd_run)
    demo = add("demo", "generate the demo portfolio if missing, then run it")
    demo.add_argument("--month", help="YYYY-MM (default: the latest month in the data)")
    demo.add_argument("--regenerate", action="store_true", help="rewrite the demo files")
    demo.set_defaults(func=cmd_demo)
    ui = add("ui", "start the Dagster UI on the same instance")
    ui.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    ui.add_argument("--port", type=int, default=3000, help="the port to listen on")
    ui.set_defaults(func=cmd_ui)
    check = add("check", "validate reporting.yaml and the definitions")
    check.set_defaults(func=cmd_check)
    backfill = add("backfill", "re-render the stale report months and send their corrections")
    backfill.add_argument("--stale", action="store_true", help="the months marked stale")
    backfill.add_argument("--dry-run", action="store_true", help="list them, run nothing")
    backfill.set_defaults(func=cmd_backfill)
    deliveries = add("deliveries", "list messages pending, unknown or failed in the send ledger")
    deliveries.add_argument("--month", help="YYYY-MM (default: every month)")
    deliveries.add_argument("--all", action="store_true", help="list sent messages too")
    deliveries.set_defaults(func=cmd_deliveries)
    resend = add("resend", "send again, byte for byte, the messages whose outcome is unknown")
    resend.add_argument("--unknown", action="store_true", help="pending and unknown messages")
    resend.add_argument("--month", help="YYYY-MM (default: every month)")
    resend.add_argument("--report", help="only this report (file name, such as cfo)")
    resend.add_argument("--to", help="only this recipient")
    resend.set_defaults(func=cmd_resend)
    mark = add("mark-sent", "record a pending or unknown message as sent (you checked it arrived)")
    mark.add_argument("--month", help="YYYY-MM")
    mark.add_argument("--report", help="report file name, such as cfo")
    mark.add_argument("--to", help="the recipient")
    mark.set_defaults(func=cmd_mark_sent)
    send_test = add("send-test", "send one report to one address, for a check")
    send_test.add_argument("--to", required=True, help="the address to send to")
    send_test.add_argument("--report", default="cfo", help="report file name (default: cfo)")
    send_test.add_argument("--month", help="YYYY-MM (default: the latest rendered month)")
    send_test.set_defaults(func=cmd_send_test)
    glossary = add("glossary", "print every metric definition as Markdown (docs/glossary.md)")
    glossary.add_argument("--write", metavar="PATH", help="write it to PATH instead")
    glossary.set_defaults(func=cmd_glossary)
    archive = add("archive", "build the executive archive (a static site) and print its path")
    archive.add_argument(
        "--open", action="store_true", help="print the file:// address of its home page"
    )
    archive.add_argument(
        "--serve",
        nargs="?",
        type=int,
        const=8000,
        default=None,
        metavar="PORT",
        help="serve it on http://127.0.0.1:PORT until interrupted (0: any free port)",
    )
    archive.set_defaults(func=cmd_archive)
    rebuild = sub.add_parser(
        "rebuild",
        help="move the warehouse aside (kept as <name>.damaged-<time>) and rebuild it from the "
        "source files; the send ledger is kept",
    )
    rebuild.set_defaults(func=cmd_rebuild)
    return parser


def main(argv: list[str] | None = None) -> int:
    import warnings

    # the one Dagster beta the project uses on purpose (tests/test_dagster_api.py names it):
    # not worth a line on every command's output
    warnings.filterwarnings(
        "ignore", message=r".*`multi_observable_source_asset` is currently in beta"
    )
    # warnings of the libraries on stderr; a run's own log goes through its console logger
    # (resources/console.py), at INFO or, with --verbose, DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    args = build_parser().parse_args(argv)
    args.config = getattr(args, "config", None)
    args.verbose = getattr(args, "verbose", False)
    if args.config:
        args.config = str(Path(args.config).resolve())
    try:
        return args.func(args)
    except (ConfigError, UserError) as error:
        print(f"exec-reporting: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader (`| head`) has seen enough
        return 0
    except Exception as error:
        unavailable = warehouse_unavailable(error)
        if unavailable is None:
            raise
        print(f"exec-reporting: {unavailable}", file=sys.stderr)
        return EXIT_WAREHOUSE_UNAVAILABLE


if __name__ == "__main__":
    sys.exit(main())
