"""The monthly schedule: from day `schedule.day_of_month` of each month, at `schedule.hour` in
the configured time zone, materialize everything for the previous month (reports and their
delivery), and again every day until the month's pack went out, up to
`period_close.deadline_day` (docs/operations.md, period close).

A day's tick asks the instance what delivery/emails last decided for the month (its metadata
`period_close`): a pack that went out (covered, closed or preliminary) is not run again; a held
one, or one never run, is. On the deadline day a pack still held goes out marked Preliminary.

It is defined in code and stopped until the user says so: `schedule: {enabled: true}` in
reporting.yaml starts it with the instance (or switch it on in the UI). The Dagster daemon
(`make ui` runs one) ticks it.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg

from exec_reporting.assets.delivery import PERIOD_CLOSE_KEY, RUN_DATE_TAG
from exec_reporting.config import ReportingConfig

DELIVERY_KEY = dg.AssetKey(["delivery", "emails"])


def previous_month(day: date) -> str:
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return f"{year:04d}-{month:02d}"


def pack_decision(instance: dg.DagsterInstance, month: str) -> str | None:
    """What the latest delivery of the month decided (covered, closed, held, preliminary); None
    when it never ran to the end."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=DELIVERY_KEY, asset_partitions=[month]), limit=1
    ).records
    if not records:
        return None
    materialization = records[0].asset_materialization
    value = materialization.metadata.get(PERIOD_CLOSE_KEY) if materialization else None
    # a delivery from before period close said nothing: it went out
    return str(getattr(value, "value", value)) if value is not None else "covered"


def build_monthly_schedule(config: ReportingConfig, job) -> dg.ScheduleDefinition:
    first = config.schedule.day_of_month
    last = max(first, config.period_close.deadline_day)

    @dg.schedule(
        name="monthly_pack_schedule",
        job=job,
        cron_schedule=f"0 {config.schedule.hour} {first}-{last} * *",
        execution_timezone=config.timezone,
        description=(
            f"Days {first} to {last} of each month at {config.schedule.hour:02d}:00 "
            f"{config.timezone}: ingest, metrics, reports and delivery for the month before, "
            "every day until its pack goes out (held while an entity's data does not cover the "
            f"month; on day {config.period_close.deadline_day} it goes out marked Preliminary)."
        ),
        default_status=(
            dg.DefaultScheduleStatus.RUNNING
            if config.schedule.enabled
            else dg.DefaultScheduleStatus.STOPPED
        ),
    )
    def monthly_pack_schedule(context: dg.ScheduleEvaluationContext):
        scheduled = context.scheduled_execution_time or datetime.now(ZoneInfo(config.timezone))
        day = scheduled.astimezone(ZoneInfo(config.timezone)).date()
        month = previous_month(day)
        decision = pack_decision(context.instance, month)
        if decision not in (None, "held"):
            return dg.SkipReason(f"the {month} pack went out ({decision}): nothing to do")
        return dg.RunRequest(
            run_key=f"{month}:{day.isoformat()}",
            partition_key=month,
            tags={RUN_DATE_TAG: day.isoformat()},
        )

    return monthly_pack_schedule
