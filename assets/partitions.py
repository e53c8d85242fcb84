"""Partitions: one report month per partition, keyed YYYY-MM, in the configured time zone."""

import dagster as dg

from exec_reporting.config import ReportingConfig

MONTH_FORMAT = "%Y-%m"


def monthly_partitions(config: ReportingConfig) -> dg.MonthlyPartitionsDefinition:
    """Report months from `first_month` to the last complete month (in the configured zone)."""
    return dg.MonthlyPartitionsDefinition(
        start_date=config.first_month, fmt=MONTH_FORMAT, timezone=config.timezone
    )
