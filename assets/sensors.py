"""Sensors: one watches data_dir and starts ingest for the entity whose file changed; one emails
the admin address (`delivery.alerts_to`) when a run fails, with the failing step, the failed
checks and a link to the run in the Dagster UI (`dagster_ui_url`)."""

import hashlib
import json

import dagster as dg

from exec_reporting.alerts import clean_error, failure_alert
from exec_reporting.config import ReportingConfig
from exec_reporting.contract import TABLES
from exec_reporting.delivery import PreflightError, SendError
from exec_reporting.ingest import table_version


def build_failure_sensor(config: ReportingConfig):
    @dg.run_failure_sensor(
        name="alert_on_run_failure",
        description="Emails delivery.alerts_to when a run fails: the failing step, the failed "
        "checks and a link to the run.",
        default_status=dg.DefaultSensorStatus.RUNNING,
        monitor_all_code_locations=False,
    )
    def alert_on_run_failure(context: dg.RunFailureSensorContext, mailer: dg.ConfigurableResource):
        if not config.delivery.alerts_to:
            context.log.info("delivery.alerts_to is empty: no alert sent")
            return
        run = context.dagster_run
        steps = [
            (event.step_key, _innermost(event.dagster_event.step_failure_data.error))
            for event in context.instance.all_logs(
                run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE
            )
        ]
        checks = [
            f"{e.dagster_event.event_specific_data.asset_key.to_user_string()} "
            f"{e.dagster_event.event_specific_data.check_name}"
            for e in context.instance.all_logs(
                run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
            )
            if not e.dagster_event.event_specific_data.passed
        ]
        raw, recipients = failure_alert(
            config,
            run_id=run.run_id,
            job=run.job_name,
            partition=run.tags.get("dagster/partition"),
            steps=steps,
            failed_checks=checks,
            run_error=context.failure_event.message or "",
        )
        try:
            mailer.preflight(config.delivery.sender)
            mailer.send(
                raw,
                config.delivery.sender,
                recipients,
                [],
                {"report": f"run-{run.run_id[:8]}", "period": "alerts", "recipient": recipients[0]},
            )
        except (PreflightError, SendError) as error:
            context.log.error(f"could not send the failure alert for run {run.run_id}: {error}")
            raise
        context.log.info(f"failure alert for run {run.run_id} sent to {', '.join(recipients)}")

    return alert_on_run_failure


def _innermost(error) -> str:
    while error is not None and error.cause is not None:
        error = error.cause
    return clean_error(error.message) if error else ""


def build_data_dir_sensor(config: ReportingConfig, ingest_job):
    @dg.sensor(
        name="watch_data_dir",
        job=ingest_job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Watches the input files (SHA-256 of each): when one changes, runs ingest "
        "for that table and entity, and the metric store after it. Nothing runs when nothing "
        "changed. The first evaluation only records what is there.",
    )
    def watch_data_dir(context: dg.SensorEvaluationContext):
        current = {table.name: table_version(config, table) for table in TABLES}
        files = {name: hashes for name, (_, hashes) in current.items()}
        previous = json.loads(context.cursor) if context.cursor else None
        cursor = json.dumps(files, sort_keys=True)
        if previous is None:
            return dg.SensorResult(skip_reason="recorded the files as they are", cursor=cursor)
        changed: dict[str, list[str]] = {}
        for name, hashes in files.items():
            before = previous.get(name, {})
            moved = sorted(
                f for f in hashes.keys() | before.keys() if hashes.get(f) != before.get(f)
            )
            if moved:
                changed[name] = moved
        if not changed:
            return dg.SensorResult(skip_reason="no input file changed", cursor=cursor)
        table_config = {}
        for name, moved in changed.items():
            # "<entity>/<table>.csv": reload that entity; the shared chart reloads whole
            entities = sorted({f.split("/")[0] for f in moved if "/" in f})
            table_config[f"raw__{name}"] = {"config": {"entities": entities}}
        selection = [dg.AssetKey(["raw", name]) for name in changed]
        summary = "; ".join(f"{', '.join(moved)}" for moved in changed.values())
        context.log.info(f"changed: {summary}")
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key=hashlib.sha256(cursor.encode()).hexdigest()[:16],
                    run_config={"ops": table_config},
                    asset_selection=[
                        *selection,
                        *downstream_of(context.repository_def.asset_graph, selection),
                    ],
                    tags={"exec_reporting/changed_files": summary[:250]},
                )
            ],
            asset_events=[
                dg.AssetObservation(
                    asset_key=["sources", name],
                    tags={"dagster/data_version": current[name][0]},
                )
                for name in changed
            ],
            cursor=cursor,
        )

    return watch_data_dir


def downstream_of(graph, keys: list[dg.AssetKey]) -> list[dg.AssetKey]:
    """The executable ingest and metric assets downstream of `keys`: the metric store and the
    report inputs' observer (reports are not re-rendered here: they turn stale instead)."""
    found = (
        dg.AssetSelection.assets(*keys).downstream(include_self=False)
        & dg.AssetSelection.groups("ingest", "metrics")
    ).resolve(graph)
    return sorted((key for key in found if graph.get(key).is_executable), key=str)
