"""Reports: one monthly-partitioned asset per report kind. Each renders the report for its month
to <reports_dir>/<YYYY-MM>/<report>.{html,txt,md,json} and shows the Markdown in the UI."""

import hashlib

import dagster as dg

from exec_reporting.config import ReportingConfig
from exec_reporting.render import render
from exec_reporting.reports import cfo
from exec_reporting.reports.base import month_start
from resources.warehouse import POOL, WarehouseResource

# Report kind -> (builder module, persona owning it, metric relations it reads)
REPORTS = {
    "cfo": (cfo, "cfo", ("metrics.burn", "metrics.break_even", "raw.ledger", "config.entities")),
}


def _report_asset(
    config: ReportingConfig,
    kind: str,
    partitions: dg.PartitionsDefinition,
    upstream: dict[str, dg.AssetsDefinition],
) -> dg.AssetsDefinition:
    builder, persona, reads = REPORTS[kind]

    @dg.asset(
        key=["reports", kind],
        deps=[dg.AssetKey(name.split(".")) for name in reads if name in upstream],
        partitions_def=partitions,
        group_name="reports",
        kinds={"jinja", "html"},
        owners=[f"team:{persona}"],
        pool=POOL,
        description=(builder.__doc__ or kind).strip().splitlines()[0]
        + " Written to <reports_dir>/<YYYY-MM>/"
        + kind
        + ".{html,txt,md,json}.",
    )
    def report(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        month = month_start(context.partition_key)
        with warehouse.get_connection() as conn:
            model = builder.build(conn, config, month)
        rendered = render(model)
        paths = rendered.write(config.reports_path / context.partition_key, kind)
        context.log.info(f"{kind} report for {context.partition_key} written to {paths['html']}")
        return dg.MaterializeResult(
            metadata={
                "preview": dg.MetadataValue.md(rendered.markdown),
                "html": dg.MetadataValue.path(str(paths["html"])),
                "html_bytes": len(rendered.html.encode()),
            },
            data_version=dg.DataVersion(hashlib.sha256(rendered.json.encode()).hexdigest()[:16]),
        )

    return report


def build_report_assets(
    config: ReportingConfig,
    partitions: dg.PartitionsDefinition,
    upstream: dict[str, dg.AssetsDefinition],
) -> dict[str, dg.AssetsDefinition]:
    for kind, (_, _, reads) in REPORTS.items():
        missing = [name for name in reads if name not in upstream]
        if missing:
            raise ValueError(f"report {kind} reads unknown table(s): {missing}")
    return {kind: _report_asset(config, kind, partitions, upstream) for kind in REPORTS}
