"""Delivery: send each rendered report of a month to its recipients, exactly once per content
(the send ledger, delivery.messages, is a DuckDB file of its own that the warehouse connection
attaches as `delivery`; see exec_reporting/delivery.py and exec_reporting/warehouse.py), once
period close lets the month's pack go (exec_reporting/period_close.py)."""

from datetime import date

import dagster as dg

from exec_reporting import period_close as close_rules
from exec_reporting.config import ReportingConfig
from exec_reporting.delivery import (
    PreflightError,
    deliver,
    hold_period,
    release_period,
    send_preliminary_alert,
)
from exec_reporting.period_close import PackState
from exec_reporting.reports import specs
from exec_reporting.resources.warehouse import POOL, WarehouseResource
from exec_reporting.sqlfiles import code_version


def build_delivery_asset(
    config: ReportingConfig,
    partitions: dg.PartitionsDefinition,
    reports: dict[str, dg.AssetsDefinition],
    published: dg.AssetsDefinition,
) -> dg.AssetsDefinition:
    names = [report for report in specs() if report in reports]

    @dg.asset(
        key=["delivery", "emails"],
        # after the archive is published: each email links to its report's page there
        deps=[*reports.values(), published],
        partitions_def=partitions,
        group_name="delivery",
        kinds={"email", config.delivery.transport},
        owners=["team:ceo"],
        pool=POOL,
        code_version=code_version(
            "exec_reporting/delivery.py",
            "exec_reporting/mime.py",
            "exec_reporting/corrections.py",
            "exec_reporting/period_close.py",
            "exec_reporting/alerts.py",
            "exec_reporting/publishing.py",
            "sql/delivery/*.sql",
        ),
        description=(
            "Sends each report of the month to its recipients: one message per recipient, the "
            "archive addresses in BCC, exactly once per content. A rerun with unchanged reports "
            "sends nothing; a changed report goes out once as a correction. Messages whose "
            "outcome is unknown wait for `exec-reporting resend --unknown`. A month an entity's "
            "data does not cover yet (metrics.coverage) is held: the step succeeds, sends "
            "nothing and says who is missing what (metadata `period_close: held`); from "
            "period_close.deadline_day of the next month it goes out marked Preliminary and "
            "the owner gets the alert. With the archive published to S3, each message links to "
            "its report's page there (a presigned URL, signed once per message)."
        ),
    )
    def emails(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        mailer: dg.ConfigurableResource,
        archive_publisher: dg.ConfigurableResource,
    ):
        period = context.partition_key
        on = run_date(context.run.tags) or close_rules.today(config)
        with warehouse.get_connection() as conn:
            close = close_rules.period_close(conn, config, period, on)
            if close.state is PackState.HELD:
                # a state, not a failure: the run succeeds, the materialization says why, and
                # the schedule tries again tomorrow
                hold_period(conn, period, close.gaps)
                context.log.warning(close.reason())
                return dg.MaterializeResult(metadata=_close_metadata(close))
            try:
                result = deliver(
                    conn,
                    config,
                    period,
                    names,
                    mailer,
                    log=context.log.info,
                    archive=archive_publisher,  # type: ignore[arg-type]
                )
                alerted = None
                if close.state is PackState.PRELIMINARY:
                    context.log.warning(close.reason())
                    alerted = send_preliminary_alert(
                        conn,
                        config,
                        close,
                        mailer,
                        run_link=f"{config.delivery.dagster_ui_url.rstrip('/')}/runs/"
                        f"{context.run.run_id}",
                        log=context.log.info,
                    )
            except PreflightError as error:
                raise dg.Failure(description=f"pre-flight failed, nothing sent: {error}") from None
            release_period(conn, period)
        table = [
            {"report": o.report, "to": o.recipient, "status": o.status, "error": o.error or ""}
            for o in result.outcomes + (alerted.outcomes if alerted else [])
        ]
        problems = result.problems + (alerted.problems if alerted else [])
        if problems:
            lines = [f"{o.report} -> {o.recipient}: {o.status} ({o.error})" for o in problems]
            raise dg.Failure(
                description=f"{len(problems)} message(s) not delivered for {period}:\n"
                + "\n".join(lines)
                + "\nSee `exec-reporting deliveries`.",
                metadata={"messages": dg.MetadataValue.json(table)},
            )
        return dg.MaterializeResult(
            metadata={
                **_close_metadata(close),
                "summary": result.summary(),
                "sent": result.count("sent"),
                "skipped_already_sent": result.count("skipped"),
                "messages": dg.MetadataValue.json(table),
            }
        )

    return emails


# The run tag that says which day a run judges period close by (the schedule sets it to the day
# of its tick); without it, today in the configured time zone.
RUN_DATE_TAG = "exec_reporting/run_date"
# The metadata key of delivery/emails that says what period close decided (PackState).
PERIOD_CLOSE_KEY = "period_close"


def run_date(tags: dict[str, str]) -> date | None:
    value = tags.get(RUN_DATE_TAG)
    return date.fromisoformat(value) if value else None


def _close_metadata(close: close_rules.PeriodClose) -> dict[str, object]:
    """What period close decided, for the UI and for `exec-reporting run` and the schedule."""
    return {
        PERIOD_CLOSE_KEY: str(close.state),
        "period_close_reason": dg.MetadataValue.text(close.reason()),
        "deadline": close.deadline.isoformat(),
        "missing": dg.MetadataValue.json(
            [
                {
                    "entity": gap.name,
                    "data_through": gap.covers_through.isoformat() if gap.covers_through else None,
                    "according_to": gap.source_file,
                    "what": gap.describe(),
                }
                for gap in close.gaps
            ]
        ),
    }
