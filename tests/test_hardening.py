"""Hardening: corrections that cannot be missed, alerts for every run, what the CLI says, and the
definitions' descriptions and SQL, each through a real Dagster instance or the real CLI.

1. Every change of the input files loads, even back to a state seen before.
2. A failed run emails delivery.alerts_to whoever started it: `exec-reporting` for its own
   runs, the alert sensor for the others; never twice.
3. A blocking check's failing rows (file, line, column, reason) reach its metadata, the CLI and
   the alert.
4. What a report reads is what its SQL files name; the settings a report shows mark it stale.
5. The CLI speaks at INFO, names each blocked step once, and its help is whole.
6. Asset descriptions keep their placeholders; the metric pages show their SQL.
"""

from __future__ import annotations

import email
import email.policy
import re
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import load_warehouse, write_portfolio

from exec_reporting import cli
from exec_reporting.config import load_config
from exec_reporting.definitions import INGEST_JOB, MONTHLY_JOB, build_definitions
from exec_reporting.report_inputs import input_versions, stale_reports
from exec_reporting.reports import specs
from exec_reporting.reports.common import month_start
from exec_reporting.settings import write_config_tables
from exec_reporting.sqlfiles import SQL_DIR, files_version, recording

REPO = Path(__file__).resolve().parent.parent
LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
SHOP = (
    LEDGER
    + "S1,2025-01-03,3000,5000.00,Owner contribution,Owner\n"
    + "S2,2025-01-05,4000,1200.00,Sales,Customers\n"
    + "S3,2025-01-31,6000,-800.00,Rent,Landlord\n"
    + "S4,2025-02-05,4000,400.00,Sales,Customers\n"
    + "S5,2025-02-28,6000,-800.00,Rent,Landlord\n"
)
# the bank's closing balances agree with the ledger (opening cash 1,000.00)
BALANCES = "date,balance\n2025-01-31,6400.00\n2025-02-28,6000.00\n"
ENTITIES = [{"id": "shop", "name": "The Shop", "kind": "hauling", "opening_cash": "1000.00"}]
ALERTS = {
    "transport": "outbox",
    "sender": "reports@example.com",
    "bcc": ["archive@example.com"],
    "outbox_dir": "state/outbox",
    "alerts_to": ["admin@example.com"],
}


def shop_portfolio(root: Path, ledger: str = SHOP) -> Path:
    return write_portfolio(
        root,
        {"shop/ledger.csv": ledger, "shop/balances.csv": BALANCES},
        ENTITIES,
        first_month="2025-01",
        personas={"cfo": {"to": ["cfo@example.com"]}},
        delivery=ALERTS,
    )


def alerts(config) -> list[email.message.EmailMessage]:
    folder = config.outbox_path / "alerts"
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(folder.rglob("*.eml"))
    ]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


# -- 1. every change of the files loads -------------------------------------------------------------


def test_every_change_of_the_files_loads_even_back_to_a_state_seen_before(tmp_path):
    config_path = shop_portfolio(tmp_path)
    config = load_config(config_path)
    defs = build_definitions(config)
    repository = defs.get_repository_def()
    sensor = repository.get_sensor_def("watch_data_dir")
    job = defs.resolve_job_def(INGEST_JOB)
    ledger = config.data_path / "shop" / "ledger.csv"
    good = ledger.read_text()
    bad = good.replace("S4,2025-02-05,4000,400.00", "S4,2025-02-05,4000,four hundred")

    with dg.DagsterInstance.ephemeral() as instance:
        # the warehouse as the first monthly pack leaves it
        assert defs.resolve_job_def(INGEST_JOB).execute_in_process(instance=instance).success
        cursor = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, repository_def=repository)
        ).cursor

        def change_and_load(text: str) -> tuple[str, bool]:
            """Write the ledger, tick the sensor, and launch its run as the daemon would:
            unless a run with the same run key exists already."""
            nonlocal cursor
            ledger.write_text(text)
            tick = sensor.evaluate_tick(
                dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=repository)
            )
            cursor = tick.cursor
            (request,) = tick.run_requests
            seen = instance.get_run_records(
                filters=dg.RunsFilter(tags={"dagster/run_key": request.run_key})
            )
            assert not seen, f"run key {request.run_key} repeats an earlier run: it would not run"
            result = job.execute_in_process(
                instance=instance,
                run_config=request.run_config,
                asset_selection=request.asset_selection,
                tags={**request.tags, "dagster/run_key": request.run_key},
                raise_on_error=False,
            )
            return request.run_key, result.success

        def amount_in_warehouse():
            with duckdb.connect(str(config.warehouse_path), read_only=True) as conn:
                found = conn.execute("select amount from raw.ledger where txn_id = 'S4'").fetchall()
            return found[0][0] if found else None

        broken_key, broken_ok = change_and_load(bad)
        # the bad cell is quarantined: the ledger no longer reconciles with the bank, and the run
        # fails at its gate
        assert not broken_ok and amount_in_warehouse() is None
        restored_key, restored_ok = change_and_load(good)
        # putting the file back the way it was loads again, and the gate passes again
        assert restored_ok and str(amount_in_warehouse()) == "400.00"
        # and the same two states once more: two more runs, with run keys of their own
        again_broken, again_broken_ok = change_and_load(bad)
        again_restored, again_restored_ok = change_and_load(good)
        assert (again_broken_ok, again_restored_ok) == (False, True)
        assert len({broken_key, restored_key, again_broken, again_restored}) == 4

        # nothing changed since: nothing runs
        quiet = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=repository)
        )
        assert quiet.run_requests == [] and "no input file changed" in quiet.skip_message


# -- 2 and 3. alerts, and what a failed run says -----------------------------------------------------


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def cli_env(monkeypatch):
    """`exec-reporting` in this process: it sets DAGSTER_HOME and the config's variable."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EXEC_REPORTING_CONFIG", raising=False)


def test_a_failed_cli_run_says_what_failed_once_and_alerts_once(tmp_path, capsys, cli_env):
    config_path = shop_portfolio(
        tmp_path, SHOP.replace("S4,2025-02-05,4000,400.00", "S4,2025-02-05,4000,four hundred")
    )
    config = load_config(config_path)
    code, out, err = run_cli(capsys, "--config", str(config_path), "run", "--month", "2025-02")
    assert code == 1

    # the failed check's failing rows: the quarantined line, its column, value and reason
    quarantined = (
        "shop/ledger.csv line 5, column amount (four hundred): expected an amount such as -1234.56"
    )
    assert "failed check: raw/ledger quarantined_share: 1 failing row(s)" in out
    assert quarantined in out
    assert "failed check: metrics/balance_reconciliation reconciles" not in out  # not reached
    # each step that did not run is named once, in one line; no Dagster line per blocked step
    assert out.count("not run (they depend on a failed step):") == 1
    assert "reports__cfo" in out.split("not run (they depend on a failed step):")[1]
    assert "Dependencies for step" not in err
    # INFO by default: no DEBUG line
    assert "DEBUG" not in err and "DEBUG" not in out
    assert "raw.ledger: 4 rows loaded, 1 quarantined" in err

    # the alert went out from the command, once, and names the same rows and who started it
    assert "failure alert for run" in out and "sent to admin@example.com" in out
    [alert] = alerts(config)
    text = text_of(alert)
    assert "Started by `exec-reporting run --month 2025-02`" in text
    assert "Failed check: raw/ledger quarantined_share: 1 failing row(s)" in text
    assert quarantined in text

    # the alert sensor, ticking on the same instance, does not alert for it again
    # (the command pointed DAGSTER_HOME at the instance beside the warehouse)
    with dg.DagsterInstance.get() as instance:
        defs = build_definitions(config)
        repository = defs.get_repository_def()
        sensor = repository.get_sensor_def("alert_on_run_failure")
        for _ in range(2):  # the first tick of a run status sensor only sets its cursor
            sensor.evaluate_tick(
                dg.build_sensor_context(
                    instance=instance,
                    repository_def=repository,
                    resources={"mailer": defs.resources["mailer"]},
                )
            )
    assert len(alerts(config)) == 1


def test_the_alert_sensor_alerts_for_runs_of_every_other_origin_once(tmp_path):
    config_path = shop_portfolio(tmp_path, SHOP + "S4,2025-02-09,4000,1.00,Sales,Customers\n")
    config = load_config(config_path)
    defs = build_definitions(config)
    repository = defs.get_repository_def()
    sensor = repository.get_sensor_def("alert_on_run_failure")
    job = defs.resolve_job_def(MONTHLY_JOB)
    origins = {
        "the schedule monthly_pack_schedule": {"dagster/schedule_name": "monthly_pack_schedule"},
        "the sensor watch_data_dir": {"dagster/sensor_name": "watch_data_dir"},
        "a Python process": {},
    }
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_sensor_context(
            instance=instance,
            repository_def=repository,
            resources={"mailer": defs.resources["mailer"]},
        )
        cursor = sensor.evaluate_tick(context).cursor
        runs = {}
        for origin, tags in origins.items():
            result = job.execute_in_process(
                instance=instance, partition_key="2025-02", tags=tags, raise_on_error=False
            )
            assert not result.success
            runs[result.run_id] = origin
        for _ in range(2):  # a second tick sends nothing more
            cursor = sensor.evaluate_tick(
                dg.build_sensor_context(
                    instance=instance,
                    cursor=cursor,
                    repository_def=repository,
                    resources={"mailer": defs.resources["mailer"]},
                )
            ).cursor
        tagged = {
            run_id: instance.get_run_by_id(run_id).tags.get("exec_reporting/alert")
            for run_id in runs
        }
    sent = alerts(config)
    assert len(sent) == len(origins)
    for message in sent:
        text = text_of(message)
        run_id = re.search(r"The run (\S+) of monthly_pack", text).group(1)
        assert f"Started by {runs[run_id]}" in text
        assert "Failed check: raw/ledger duplicate_txn_ids: 1 failing row(s)" in text
        assert "shop/ledger.csv line 7" in text
    assert set(tagged.values()) == {"sent to admin@example.com"}


# -- 4. what a report reads -----------------------------------------------------------------------


def test_each_report_runs_only_the_sql_files_its_reads_are_derived_from(demo_warehouse, portfolio):
    bare = portfolio(
        {f"{e}/ledger.csv": SHOP for e in ("shop", "flat", "boat", "studio")},
        ENTITIES
        + [
            {"id": "flat", "name": "Flat", "kind": "rental"},
            {"id": "boat", "name": "Boat", "kind": "logistics"},
            {"id": "studio", "name": "Studio", "kind": "agency"},
        ],
    )
    for config_path, conn, month in (
        (*demo_warehouse, "2026-10"),
        (bare, load_warehouse(bare), "2025-02"),
    ):
        config = load_config(config_path)
        for spec in specs().values():
            for entity_id in spec.entities(config):
                with recording() as ran:
                    spec.build(conn, config, month_start(month), entity_id)
                assert ran <= set(spec.sql), (spec.report, sorted(ran - set(spec.sql)))
    # and no builder runs SQL of its own: every query is a file under sql/
    for path in (REPO / "exec_reporting" / "reports").glob("*.py"):
        assert not re.search(r"\.execute\(\s*f?[\"']", path.read_text()), path.name


def versions(conn, config, months=(date(2025, 1, 1), date(2025, 2, 1))):
    return input_versions(
        conn,
        {kind: spec.reads for kind, spec in specs().items()},
        list(months),
        {k: s.entities(config) for k, s in specs().items() if s.entity_kind},
    )


def changed(before, after) -> set[tuple[str, str]]:
    return {key for key in before if before[key] != after[key]}


def test_the_settings_a_report_shows_mark_it_stale(tmp_path):
    config_path = shop_portfolio(tmp_path)
    conn = load_warehouse(config_path)
    config = load_config(config_path)
    before = versions(conn, config)

    # the CFO's scenarios: every CFO month, and no report that does not show them
    scenarios = config.model_copy(
        update={
            "cfo": config.cfo.model_copy(
                update={
                    "scenarios": {
                        **config.cfo.scenarios,
                        "best": config.cfo.scenarios["base"],
                    }
                }
            )
        }
    )
    write_config_tables(conn, scenarios)
    after = versions(conn, config)
    assert {("cfo", "2025-01"), ("cfo", "2025-02")} <= changed(before, after)
    assert not [k for k in changed(before, after) if k[0] in ("rental", "agency", "logistics")]
    write_config_tables(conn, config)
    assert versions(conn, config) == before

    # the CEO's action rules file
    rules = tmp_path / "rules.yaml"
    shutil.copyfile(config.action_rules_path, rules)
    rules.write_text(rules.read_text().replace("due_days: 7", "due_days: 6", 1))
    own_rules = config.model_copy(
        update={"ceo": config.ceo.model_copy(update={"action_rules": rules})}
    )
    write_config_tables(conn, own_rules)
    assert {("ceo", "2025-01"), ("ceo", "2025-02")} <= changed(before, versions(conn, config))
    write_config_tables(conn, config)

    # a pack held back in January: the CEO report of February lists it, January's does not
    conn.execute(
        "insert into delivery.held_periods (period, entity_id, name, covers_through, noted_at) "
        "values ('2025-01', 'shop', 'The Shop', date '2025-01-20', current_timestamp)"
    )
    held = changed(before, versions(conn, config))
    assert ("ceo", "2025-02") in held and ("ceo", "2025-01") not in held


def test_the_code_version_of_a_report_covers_its_builder_sql_and_templates(tmp_path):
    for spec in specs().values():
        files = {p.resolve() for p in spec.code_files}
        assert Path(spec.module).resolve() in files
        assert {(SQL_DIR / f"{name}.sql").resolve() for name in spec.sql} <= files
        templates = REPO / "exec_reporting" / "templates"
        assert {p.resolve() for p in templates.glob("*")} <= files
    # a fingerprint of the files' contents: one changed character changes it
    a, b = tmp_path / "a.sql", tmp_path / "b.sql"
    a.write_text("select 1")
    b.write_text("select 2")
    before = files_version([a, b])
    b.write_text("select 3")
    assert files_version([a, b]) != before


def test_a_changed_report_code_or_input_marks_its_rendered_months_stale(tmp_path):
    conn = load_warehouse(shop_portfolio(tmp_path))
    from exec_reporting.report_inputs import record_render, record_versions

    code = {kind: spec.code_version for kind, spec in specs().items()}
    record_versions(conn, "home", {("cfo", "2025-01"): "v1", ("cfo", "2025-02"): "v1"})
    for period in ("2025-01", "2025-02"):
        record_render(conn, "home", "cfo", period, code["cfo"])
    assert stale_reports(conn, "home", code) == {}
    # the CFO's inputs of February changed
    record_versions(conn, "home", {("cfo", "2025-01"): "v1", ("cfo", "2025-02"): "v2"})
    assert stale_reports(conn, "home", code) == {"2025-02": ["cfo"]}
    # the CFO's code changed: every month it rendered
    assert stale_reports(conn, "home", {**code, "cfo": "new"}) == {
        "2025-01": ["cfo"],
        "2025-02": ["cfo"],
    }
    # another instance rendered nothing: nothing of it is stale
    assert stale_reports(conn, "elsewhere", {**code, "cfo": "new"}) == {}


# -- 5. the CLI's help -----------------------------------------------------------------------------


def test_the_help_is_whole_and_shows_defaults(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    description = text.split("\n\n")[1]
    assert description.rstrip().endswith("."), description
    for command in ("run", "demo", "ui", "check", "backfill", "deliveries", "resend", "send-test"):
        assert f"\n    {command} " in text, command
    with pytest.raises(SystemExit):
        cli.main(["ui", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: 127.0.0.1)" in text and "(default: 3000)" in text
    assert "--verbose" in text


# -- 6. descriptions and SQL in the UI -------------------------------------------------------------


def test_descriptions_keep_their_placeholders_and_metric_pages_show_their_sql(portfolio):
    defs = build_definitions(load_config(portfolio({"shop/ledger.csv": SHOP}, ENTITIES)))
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        description = graph.get(key).description or ""
        # the UI renders Markdown: <entity> outside a code span is an HTML tag, and vanishes
        outside_code = re.sub(r"`[^`]*`", "", description)
        assert not re.search(r"<[A-Za-z_][^>]*>", outside_code), (key, description)
        assert description, key
    for key in graph.get_all_asset_keys():
        if key.path[0] != "metrics" or key.path[1] == "report_inputs":
            continue
        metadata = graph.get(key).metadata
        sql = metadata["sql"].value
        assert f"sql/metrics/{key.path[1]}.sql" in sql and "select" in sql.lower(), key
        assert Path(metadata["sql_file"].value).is_file()
