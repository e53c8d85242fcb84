"""Delivery: send each rendered report of a month to its persona's recipients."""

import dagster as dg

from exec_reporting.config import ReportingConfig
from exec_reporting.delivery import outgoing_messages
from exec_reporting.reports import builders
from resources.mail import OutboxTransport


def build_delivery_asset(
    config: ReportingConfig,
    partitions: dg.PartitionsDefinition,
    reports: dict[str, dg.AssetsDefinition],
) -> dg.AssetsDefinition:
    kinds = {kind: builder.ENTITY_KIND for kind, builder in builders().items() if kind in reports}

    @dg.asset(
        key=["delivery", "emails"],
        deps=list(reports.values()),
        partitions_def=partitions,
        group_name="delivery",
        kinds={"email"},
        owners=["team:ceo"],
        description=(
            "Sends each report of the month to its persona's recipients, one message per "
            "recipient, with the archive addresses in BCC."
        ),
    )
    def emails(context: dg.AssetExecutionContext, mailer: OutboxTransport):
        period = context.partition_key
        sent = []
        for outgoing in outgoing_messages(config, period, kinds):
            message_id = mailer.send(
                outgoing.message,
                envelope_to=outgoing.envelope_to,
                period=period,
                report=outgoing.report,
                recipient=outgoing.recipient,
            )
            sent.append({"report": outgoing.report, "to": outgoing.recipient, "id": message_id})
            context.log.info(f"sent {outgoing.report} for {period} to {outgoing.recipient}")
        return dg.MaterializeResult(
            metadata={"messages": len(sent), "sent": dg.MetadataValue.json(sent)}
        )

    return emails
