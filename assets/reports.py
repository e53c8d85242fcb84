"""Reports: one monthly-partitioned asset per report. Each renders its reports for the month to
`<reports_dir>/<YYYY-MM>/<report>.{html,txt,md,json}` (plus chart PNGs) and shows the Markdown in
the UI. Domain reports (rental, logistics, agency) render one report per entity of their kind.

Each report asset's code_version is a fingerprint of its builder, its SQL files and the shared
rendering code (ReportSpec.code_version): a changed formula or template marks every month of it
stale.
"""

import hashlib

import dagster as dg

from exec_reporting.assets.report_inputs import build_report_inputs
from exec_reporting.config import ReportingConfig
from exec_reporting.render import render
from exec_reporting.report_inputs import record_render
from exec_reporting.reports import specs as report_specs
from exec_reporting.reports.common import month_start
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.resources.warehouse import POOL, WarehouseResource
from exec_reporting.sqlfiles import sql_path

PREVIEW_LIMIT = 90_000  # characters of Markdown shown in the UI


def _report_asset(
    config: ReportingConfig,
    spec: ReportSpec,
    partitions: dg.PartitionsDefinition,
    deps: list,
) -> dg.AssetsDefinition:
    kind = spec.report
    scope = (
        f" One report per entity of kind `{spec.entity_kind}`, written to "
        f"`<reports_dir>/<YYYY-MM>/{kind}-<entity>.{{html,txt,md,json}}`."
        if spec.entity_kind
        else f" Written to `<reports_dir>/<YYYY-MM>/{kind}.{{html,txt,md,json}}`."
    )

    @dg.asset(
        key=["reports", kind],
        deps=deps,
        partitions_def=partitions,
        group_name="reports",
        kinds={"jinja", "html"},
        owners=[f"team:{spec.persona}"],
        pool=POOL,
        code_version=spec.code_version,
        description=spec.summary + scope,
        metadata={
            "builder": dg.MetadataValue.path(spec.module),
            "sql": dg.MetadataValue.json([str(sql_path(name)) for name in spec.sql]),
            "reads": dg.MetadataValue.json(list(spec.reads)),
        },
    )
    def report(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        period = context.partition_key
        month = month_start(period)
        with warehouse.get_connection() as conn:
            models = [
                spec.build(conn, config, month, entity_id) for entity_id in spec.entities(config)
            ]
            rendered = [render(model) for model in models]
            folder = config.reports_path / period
            for edition in rendered:
                paths = edition.write(folder)
                context.log.info(f"{edition.name} for {period}: {paths[edition.name + '.html']}")
            record_render(
                conn, str(context.instance.root_directory), kind, period, spec.code_version
            )
        if not rendered:
            context.log.info(f"no entity of kind {spec.entity_kind}: no {kind} report")
        preview = "\n\n---\n\n".join(edition.markdown for edition in rendered) or (
            f"No entity of kind `{spec.entity_kind}` in reporting.yaml: no {kind} report."
        )
        if len(preview) > PREVIEW_LIMIT:
            preview = preview[:PREVIEW_LIMIT] + "\n\n(preview cut here: open the files)"
        digest = hashlib.sha256("".join(e.json for e in rendered).encode()).hexdigest()[:16]
        return dg.MaterializeResult(
            metadata={
                "preview": dg.MetadataValue.md(preview),
                "reports": dg.MetadataValue.json([e.name for e in rendered]),
                "folder": dg.MetadataValue.path(str(folder)),
                "largest_html_bytes": max((len(e.html.encode()) for e in rendered), default=0),
            },
            data_version=dg.DataVersion(digest),
        )

    return report


def build_report_assets(
    config: ReportingConfig,
    partitions: dg.PartitionsDefinition,
    upstream: dict[str, dg.AssetsDefinition],
) -> tuple[dict[str, dg.AssetsDefinition], list]:
    """One asset per report. A report month depends on its inputs' month (inputs/<report>, which
    carries the data version of what it reads) and on the step that observes them."""
    specs = report_specs()
    observer, inputs = build_report_inputs(config, partitions, specs, upstream)
    assets = {
        kind: _report_asset(config, spec, partitions, [inputs[kind], observer])
        for kind, spec in specs.items()
    }
    return assets, [observer, *inputs.values()]
