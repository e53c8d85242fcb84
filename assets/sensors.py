"""Sensors: an alert email to the admin address (`delivery.alerts_to`) when a run fails, with the
failing step, the failed checks and a link to the run in the Dagster UI (`dagster_ui_url`)."""

import dagster as dg

from exec_reporting.alerts import clean_error, failure_alert
from exec_reporting.config import ReportingConfig
from exec_reporting.delivery import PreflightError, SendError


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
