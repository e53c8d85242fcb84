"""The monthly schedule: on the first day of each month at 07:00 in the configured time zone,
materialize everything for the previous month (reports and their delivery).

It is defined in code and stopped until the user says so: `schedule: {enabled: true}` in
reporting.yaml starts it with the instance (or switch it on in the UI). The Dagster daemon
(`make ui` runs one) ticks it.
"""

import dagster as dg

from exec_reporting.config import ReportingConfig


def build_monthly_schedule(config: ReportingConfig, job) -> dg.ScheduleDefinition:
    # the partitions definition carries the time zone: the tick is 07:00 local time, and it
    # requests the month that just ended
    return dg.build_schedule_from_partitioned_job(
        job,
        name="monthly_pack_schedule",
        description=(
            f"Day {config.schedule.day_of_month} of each month at {config.schedule.hour:02d}:00 "
            f"{config.timezone}: ingest, metrics, reports and delivery for the month before."
        ),
        hour_of_day=config.schedule.hour,
        day_of_month=config.schedule.day_of_month,
        default_status=(
            dg.DefaultScheduleStatus.RUNNING
            if config.schedule.enabled
            else dg.DefaultScheduleStatus.STOPPED
        ),
    )
