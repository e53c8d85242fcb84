"""Reports: one monthly-partitioned asset per report kind. Each renders its reports for the month
to <reports_dir>/<YYYY-MM>/<report>.{html,txt,md,json} (plus chart PNGs) and shows the Markdown
in the UI. Domain reports (rental, logistics, agency) render one report per entity of their kind.
"""

import hashlib
from types import ModuleType

import dagster as dg

from assets.report_inputs import build_report_inputs
from exec_reporting.config import ReportingConfig
from exec_reporting.render import render
from exec_reporting.reports import builders
from exec_reporting.reports.common import month_start
from resources.warehouse import POOL, WarehouseResource

PREVIEW_LIMIT = 90_000  # characters of Markdown shown in the UI


def report_entities(config: ReportingConfig, builder: ModuleType) -> list[str | None]:
    """None for a persona report; the ids of the entities of its kind for a domain report."""
    if builder.ENTITY_KIND is None:
        return [None]
    return [entity.id for entity in config.entities if entity.kind == builder.ENTITY_KIND]


def _report_asset(
    config: ReportingConfig,
    builder: ModuleType,
    partitions: dg.PartitionsDefinition,
    deps: list,
) -> dg.AssetsDefinition:
    kind = builder.KIND
    summary = (builder.__doc__ or kind).strip().split("\n\n")[0].replace("\n", " ")
    scope = (
        f" One report per entity of kind {builder.ENTITY_KIND}, written to "
        f"<reports_dir>/<YYYY-MM>/{kind}-<entity>.{{html,txt,md,json}}."
        if builder.ENTITY_KIND
        else f" Written to <reports_dir>/<YYYY-MM>/{kind}.{{html,txt,md,json}}."
    )

    @dg.asset(
        key=["reports", kind],
        deps=deps,
        partitions_def=partitions,
        group_name="reports",
        kinds={"jinja", "html"},
        owners=[f"team:{builder.PERSONA}"],
        pool=POOL,
        description=summary + scope,
    )
    def report(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        month = month_start(context.partition_key)
        targets = report_entities(config, builder)
        with warehouse.get_connection() as conn:
            models = [builder.build(conn, config, month, entity_id) for entity_id in targets]
        rendered = [render(model) for model in models]
        folder = config.reports_path / context.partition_key
        for edition in rendered:
            paths = edition.write(folder)
            context.log.info(
                f"{edition.name} for {context.partition_key}: {paths[edition.name + '.html']}"
            )
        if not rendered:
            context.log.info(f"no entity of kind {builder.ENTITY_KIND}: no {kind} report")
        preview = "\n\n---\n\n".join(edition.markdown for edition in rendered) or (
            f"No entity of kind `{builder.ENTITY_KIND}` in reporting.yaml: no {kind} report."
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
    """One asset per report kind. A report month depends on its inputs' month (inputs/<kind>,
    which carries the data version of what it reads) and on the step that observes them."""
    kinds = builders()
    for kind, builder in kinds.items():
        unknown = [name for name in builder.READS if name not in upstream]
        if unknown:
            raise ValueError(f"report {kind} reads tables no asset produces: {unknown}")
    observer, specs = build_report_inputs(config, partitions, kinds, upstream)
    assets = {
        kind: _report_asset(config, builder, partitions, [specs[kind], observer])
        for kind, builder in kinds.items()
    }
    return assets, [observer, *specs.values()]
