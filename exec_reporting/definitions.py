"""The composition root: reads reporting.yaml and builds the one Dagster `Definitions`.

`workspace.yaml` loads `defs` from here, so `dagster dev` in the repo root works; the
`exec-reporting` CLI uses `build_definitions`. Definitions are built explicitly (no folder
autoloading): every run process pays this module's import time.
"""

from __future__ import annotations

import dagster as dg

from exec_reporting.assets.alerts import build_failure_sensor
from exec_reporting.assets.archive import build_site_asset
from exec_reporting.assets.archive_publish import build_publish_asset
from exec_reporting.assets.delivery import build_delivery_asset
from exec_reporting.assets.ingest import build_ingest_assets
from exec_reporting.assets.metrics import build_metric_assets
from exec_reporting.assets.partitions import monthly_partitions
from exec_reporting.assets.reports import build_report_assets
from exec_reporting.assets.schedules import build_monthly_schedule
from exec_reporting.assets.sensors import build_data_dir_sensor, build_stale_reports_sensor
from exec_reporting.assets.sources import build_source_assets
from exec_reporting.config import ReportingConfig, load_config
from exec_reporting.reports import specs
from exec_reporting.resources.archive import LocalArchive
from exec_reporting.resources.console import concise_console
from exec_reporting.resources.mail import OutboxTransport, SmtpTransport
from exec_reporting.resources.warehouse import WarehouseResource

MONTHLY_JOB = "monthly_pack"
INGEST_JOB = "ingest_and_metrics"
# The code location's name in workspace.yaml: the failure alert watches this location's runs.
LOCATION = "exec_reporting"


def build_mailer(config: ReportingConfig) -> dg.ConfigurableResource:
    """The transport `delivery.transport` names, configured from reporting.yaml."""
    delivery = config.delivery
    if delivery.transport == "ses":
        from exec_reporting.resources.ses import (
            SesTransport,
        )  # boto3 and dagster-aws only when used

        ses = delivery.ses.model_dump() if delivery.ses else {}
        return SesTransport(
            region_name=ses.get("region_name"),
            profile_name=ses.get("profile_name"),
            endpoint_url=ses.get("endpoint_url"),
            configuration_set=ses.get("configuration_set"),
            connect_timeout=ses.get("connect_timeout", 10.0),
            read_timeout=ses.get("read_timeout", 30.0),
        )
    if delivery.transport == "smtp":
        smtp = delivery.smtp
        assert smtp is not None  # the configuration requires delivery.smtp for transport smtp
        return SmtpTransport(
            host=smtp.host,
            port=smtp.port,
            security=smtp.security,
            username_env=smtp.username_env,
            password_env=smtp.password_env,
            ca_file=str(config.path(smtp.ca_file)) if smtp.ca_file else None,
            timeout=smtp.timeout,
        )
    return OutboxTransport(outbox_dir=str(config.outbox_path))


def build_archive_publisher(config: ReportingConfig) -> dg.ConfigurableResource:
    """The publisher `archive.publish` names: the local folder, or S3 (dagster-aws)."""
    archive = config.archive
    if archive.publish == "s3":
        from exec_reporting.resources.archive_s3 import (
            S3Archive,
        )  # boto3 and dagster-aws only when used

        assert archive.s3 is not None  # the configuration requires archive.s3 for publish s3
        return S3Archive(
            bucket=archive.s3.bucket,
            prefix=archive.s3.prefix,
            region_name=archive.s3.region_name,
            profile_name=archive.s3.profile_name,
            endpoint_url=archive.s3.endpoint_url,
            link_expiry_days=archive.link_expiry_days,
            cloudfront_distribution_id=archive.cloudfront_distribution_id,
        )
    return LocalArchive(site_dir=str(config.archive_site_path))


def archive_keys(assets: list) -> list[dg.AssetKey]:
    """The archive's assets (its site and its publishing): a rerun of corrected reports runs
    them too, before delivery, so the corrections link to corrected pages."""
    return [
        key
        for asset in assets
        if isinstance(asset, dg.AssetsDefinition)
        for key, group in asset.group_names_by_key.items()
        if group == "archive" and asset.is_executable
    ]


def build_definitions(config: ReportingConfig) -> dg.Definitions:
    partitions = monthly_partitions(config)
    sources = build_source_assets(config)
    ingest = build_ingest_assets(config)
    metrics = build_metric_assets(ingest)
    reports, report_inputs = build_report_assets(config, partitions, {**ingest, **metrics})
    site = build_site_asset(config, partitions, reports)
    published = build_publish_asset(config, partitions, site=site)
    delivery = build_delivery_asset(config, partitions, reports, published)

    all_assets = [sources]
    all_assets += list({id(a): a for a in [*ingest.values(), *metrics.values()]}.values())
    all_assets += [*report_inputs, *reports.values(), site, published, delivery]
    monthly_pack = dg.define_asset_job(
        MONTHLY_JOB,
        selection=dg.AssetSelection.groups("ingest", "metrics", "reports", "archive", "delivery"),
        description="Everything for one report month: ingest, metrics, reports, the archive "
        "(its site built and published) and delivery.",
    )
    ingest_job = dg.define_asset_job(
        INGEST_JOB,
        selection=dg.AssetSelection.groups("ingest", "metrics"),
        description="Ingest and the metric store: what the data_dir sensor runs when a file "
        "changes. Reports whose inputs changed turn stale; backfill them to re-render.",
    )
    return dg.Definitions(
        assets=all_assets,
        jobs=[monthly_pack, ingest_job],
        schedules=[build_monthly_schedule(config, monthly_pack)],
        sensors=[
            build_failure_sensor(config, {MONTHLY_JOB, INGEST_JOB}, LOCATION),
            build_data_dir_sensor(config, ingest_job),
            build_stale_reports_sensor(
                config,
                monthly_pack,
                {kind: spec.code_version for kind, spec in specs().items()},
                archive=archive_keys(all_assets),
            ),
        ],
        loggers={"console": concise_console},
        # one process per run, as `exec-reporting run` does: Dagster's default (a process per
        # step) pays this module's import ~60 times a run, minutes for seconds of work, and the
        # warehouse steps are serialized by the pool anyway (docs/operations.md, Executors)
        executor=dg.in_process_executor,
        resources={
            "warehouse": WarehouseResource(
                database=str(config.warehouse_path),
                send_ledger=str(config.send_ledger_path),
                lock_timeout_seconds=config.warehouse_lock_timeout_seconds,
            ),
            "mailer": build_mailer(config),
            "archive_publisher": build_archive_publisher(config),
        },
    )


@dg.definitions
def defs() -> dg.Definitions:
    """Loaded lazily by Dagster, from $EXEC_REPORTING_CONFIG or ./reporting.yaml."""
    return build_definitions(load_config())
