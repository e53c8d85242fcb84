"""The composition root: reads reporting.yaml and builds the one Dagster `Definitions`.

`workspace.yaml` loads `defs` from here, so `dagster dev` in the repo root works; the
`exec-reporting` CLI uses `build_definitions`. Definitions are built explicitly (no folder
autoloading): every run process pays this module's import time.
"""

from __future__ import annotations

import dagster as dg

from assets.delivery import build_delivery_asset
from assets.ingest import build_ingest_assets
from assets.metrics import build_metric_assets
from assets.partitions import monthly_partitions
from assets.reports import build_report_assets
from exec_reporting.config import ReportingConfig, load_config
from resources.console import concise_console
from resources.mail import OutboxTransport
from resources.warehouse import WarehouseResource

MONTHLY_JOB = "monthly_pack"


def build_definitions(config: ReportingConfig) -> dg.Definitions:
    partitions = monthly_partitions(config)
    ingest = build_ingest_assets(config)
    metrics = build_metric_assets(ingest)
    reports = build_report_assets(config, partitions, {**ingest, **metrics})
    delivery = build_delivery_asset(config, partitions, reports)

    all_assets = list({id(a): a for a in [*ingest.values(), *metrics.values()]}.values())
    all_assets += [*reports.values(), delivery]
    monthly_pack = dg.define_asset_job(
        MONTHLY_JOB,
        selection=dg.AssetSelection.all(),
        partitions_def=partitions,
        description="Everything for one report month: ingest, metrics, reports and delivery.",
    )
    return dg.Definitions(
        assets=all_assets,
        jobs=[monthly_pack],
        loggers={"console": concise_console},
        resources={
            "warehouse": WarehouseResource(database=str(config.warehouse_path)),
            "mailer": OutboxTransport(outbox_dir=str(config.outbox_path)),
        },
    )


@dg.definitions
def defs() -> dg.Definitions:
    """Loaded lazily by Dagster, from $EXEC_REPORTING_CONFIG or ./reporting.yaml."""
    return build_definitions(load_config())
