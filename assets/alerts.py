"""The failure alert of a run, read from the instance's event log: the failing steps with their
reasons, the failed checks with their failing rows, who started the run, and a link to it.

Two senders, one responsibility each, so every failed run gets exactly one alert:
- `exec-reporting run`, `backfill` and `rebuild` send the alert of the runs they start
  themselves, at once, whether or not a daemon runs (those runs carry the tag
  exec_reporting/pid);
- the sensor `alert_on_run_failure` sends the alert of every other run of this project's jobs:
  launched from the UI, by the schedule, by a sensor (the daemon must run for it to tick).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dagster as dg

from exec_reporting.alerts import FailedCheck, clean_error, failure_alert
from exec_reporting.config import ReportingConfig
from exec_reporting.delivery import PreflightError, SendError

# Runs `exec-reporting` started itself: it alerts for them (exec_reporting/cli.py).
CLI_PID_TAG = "exec_reporting/pid"
ALERT_TAG = "exec_reporting/alert"


def started_by(run: dg.DagsterRun) -> str:
    """Who started a run, in words, from the tags Dagster and exec-reporting set."""
    tags = run.tags
    if tags.get("dagster/schedule_name"):
        return f"the schedule {tags['dagster/schedule_name']}"
    if tags.get("dagster/sensor_name"):
        return f"the sensor {tags['dagster/sensor_name']}"
    if tags.get("dagster/backfill"):
        return f"the backfill {tags['dagster/backfill']}"
    if tags.get(CLI_PID_TAG):
        command = tags.get("exec_reporting/command", "exec-reporting")
        return f"`{command}` (process {tags[CLI_PID_TAG]} on {tags.get('exec_reporting/host')})"
    if run.remote_job_origin is not None:
        return "a launch from the Dagster UI"
    return "a Python process (in process, no code location)"


def _innermost(error) -> str:
    while error is not None and error.cause is not None:
        error = error.cause
    return clean_error(error.message) if error else ""


def failed_steps(instance: dg.DagsterInstance, run_id: str) -> list[tuple[str, str]]:
    """(step, reason) of every step that failed, the user's error unwrapped."""
    return [
        (event.step_key, _innermost(event.dagster_event.step_failure_data.error))
        for event in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    ]


def _sample(metadata: dict[str, Any]) -> list[dict[str, Any]]:
    value = metadata.get("sample")
    data = getattr(value, "data", value)
    return list(data) if isinstance(data, list) else []


def failed_checks(instance: dg.DagsterInstance, run_id: str) -> list[FailedCheck]:
    """Every check of the run that failed, with its failing rows as its metadata shows them."""
    found = []
    for event in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = event.dagster_event.event_specific_data
        if evaluation.passed:
            continue
        metadata = dict(evaluation.metadata)
        failing = metadata.get("failing_rows")
        found.append(
            FailedCheck(
                asset=evaluation.asset_key.to_user_string(),
                check=evaluation.check_name,
                failing_rows=int(getattr(failing, "value", failing) or 0),
                sample=_sample(metadata),
            )
        )
    return found


def send_failure_alert(
    instance: dg.DagsterInstance,
    run: dg.DagsterRun,
    config: ReportingConfig,
    mailer: Any,
    log: Callable[[str], None],
    run_error: str = "",
) -> bool:
    """Email delivery.alerts_to about a failed run. Returns whether an alert went out."""
    if not config.delivery.alerts_to:
        log("delivery.alerts_to is empty: no alert sent")
        return False
    raw, recipients = failure_alert(
        config,
        run_id=run.run_id,
        job=run.job_name,
        partition=run.tags.get("dagster/partition"),
        steps=failed_steps(instance, run.run_id),
        failed_checks=failed_checks(instance, run.run_id),
        run_error=run_error,
        started_by=started_by(run),
    )
    mailer.preflight(config.delivery.sender)
    mailer.send(
        raw,
        config.delivery.sender,
        recipients,
        [],
        {"report": f"run-{run.run_id[:8]}", "period": "alerts", "recipient": recipients[0]},
    )
    instance.add_run_tags(run.run_id, {ALERT_TAG: "sent to " + ", ".join(recipients)})
    log(f"failure alert for run {run.run_id} sent to {', '.join(recipients)}")
    return True


def build_failure_sensor(config: ReportingConfig, job_names: set[str], location: str):
    @dg.run_failure_sensor(
        name="alert_on_run_failure",
        description="Emails `delivery.alerts_to` when a run of this project fails: the failing "
        "step, the failed checks with their failing rows, who started it and a link to the "
        "run. Runs that `exec-reporting` started itself are alerted by the command.",
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=config.sensors.interval_seconds,
        # runs started in process (no code location) and runs launched in this location alike;
        # the body keeps only this project's jobs
        monitor_all_code_locations=True,
    )
    def alert_on_run_failure(context: dg.RunFailureSensorContext, mailer: dg.ConfigurableResource):
        run = context.dagster_run
        origin = run.remote_job_origin
        if run.job_name not in job_names or (
            origin is not None and origin.location_name != location
        ):
            return
        if run.tags.get(CLI_PID_TAG) or run.tags.get(ALERT_TAG):
            return  # exec-reporting alerts for the runs it started (and this one went out)
        try:
            send_failure_alert(
                context.instance,
                run,
                config,
                mailer,
                context.log.info,
                run_error=context.failure_event.message or "",
            )
        except (PreflightError, SendError) as error:
            context.log.error(f"could not send the failure alert for run {run.run_id}: {error}")
            raise

    return alert_on_run_failure
