"""Delivery: send each rendered report of a month to its recipients, exactly once per content
(the send ledger, delivery.messages, is a DuckDB file of its own that the warehouse connection
attaches as `delivery`; see exec_reporting/delivery.py and exec_reporting/warehouse.py)."""

import dagster as dg

from exec_reporting.config import ReportingConfig
from exec_reporting.delivery import (
    PreflightError,
    deliver,
    hold_period,
    period_gaps,
    release_period,
)
from exec_reporting.reports import specs
from exec_reporting.resources.warehouse import POOL, WarehouseResource
from exec_reporting.sqlfiles import code_version


def build_delivery_asset(
    config: ReportingConfig,
    partitions: dg.PartitionsDefinition,
    reports: dict[str, dg.AssetsDefinition],
) -> dg.AssetsDefinition:
    names = [report for report in specs() if report in reports]

    @dg.asset(
        key=["delivery", "emails"],
        deps=list(reports.values()),
        partitions_def=partitions,
        group_name="delivery",
        kinds={"email", config.delivery.transport},
        owners=["team:ceo"],
        pool=POOL,
        code_version=code_version(
            "exec_reporting/delivery.py",
            "exec_reporting/mime.py",
            "exec_reporting/corrections.py",
            "sql/delivery/*.sql",
        ),
        description=(
            "Sends each report of the month to its recipients: one message per recipient, the "
            "archive addresses in BCC, exactly once per content. A rerun with unchanged reports "
            "sends nothing; a changed report goes out once as a correction. Messages whose "
            "outcome is unknown wait for `exec-reporting resend --unknown`."
        ),
    )
    def emails(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        mailer: dg.ConfigurableResource,
    ):
        period = context.partition_key
        with warehouse.get_connection() as conn:
            gaps = period_gaps(conn, config, period)
            if gaps:
                # period close: the pack waits until every entity's data covers the month
                hold_period(conn, period, gaps)
                raise dg.Failure(
                    description=(
                        f"holding the {period} pack, nothing sent: the data does not cover the "
                        f"month yet ({'; '.join(g.describe() for g in gaps)}). It goes out when "
                        "every entity's ledger reaches the month's last day (re-run the month "
                        f"then), or list {period} under closed_months in reporting.yaml if "
                        "nothing more is coming."
                    ),
                    metadata={"held_for": dg.MetadataValue.json([g.describe() for g in gaps])},
                )
            try:
                result = deliver(conn, config, period, names, mailer, log=context.log.info)
            except PreflightError as error:
                raise dg.Failure(description=f"pre-flight failed, nothing sent: {error}") from None
            release_period(conn, period)
        table = [
            {"report": o.report, "to": o.recipient, "status": o.status, "error": o.error or ""}
            for o in result.outcomes
        ]
        if result.problems:
            lines = [
                f"{o.report} -> {o.recipient}: {o.status} ({o.error})" for o in result.problems
            ]
            raise dg.Failure(
                description=f"{len(result.problems)} message(s) not delivered for {period}:\n"
                + "\n".join(lines)
                + "\nSee `exec-reporting deliveries`.",
                metadata={"messages": dg.MetadataValue.json(table)},
            )
        return dg.MaterializeResult(
            metadata={
                "summary": result.summary(),
                "sent": result.count("sent"),
                "skipped_already_sent": result.count("skipped"),
                "messages": dg.MetadataValue.json(table),
            }
        )

    return emails
