"""Report inputs: what makes a correction re-render only the report months it reaches.

For each report kind, an observable asset `inputs/<kind>`, partitioned by month, whose data
version for a month is a hash of the rows that report reads for it (exec_reporting/
report_inputs.py). The asset `metrics/report_inputs`, run after the metric store, computes those
versions and records an observation for each month whose version changed. A report month depends
on its inputs' month, so after a correction Dagster marks stale exactly the report months whose
inputs changed: the portfolio roll-up included, since every month's version covers every entity.
(A report depending on the unpartitioned metric tables directly would turn stale in every month
at every rebuild; a portfolio partition depending on entity partitions through an all-partitions
mapping would never turn stale: Dagster skips staleness there.)
"""

from types import ModuleType

import dagster as dg

from exec_reporting.config import ReportingConfig
from exec_reporting.report_inputs import changed_versions, input_versions, record_versions
from exec_reporting.reports.common import month_start
from resources.warehouse import POOL, WarehouseResource

DATA_VERSION_TAG = "dagster/data_version"


def build_report_inputs(
    config: ReportingConfig,
    partitions: dg.PartitionsDefinition,
    builders: dict[str, ModuleType],
    upstream: dict[str, dg.AssetsDefinition],
) -> tuple[dg.AssetsDefinition, dict[str, dg.AssetSpec]]:
    reads = {kind: tuple(builder.READS) for kind, builder in builders.items()}
    keys = {name: dg.AssetKey(name.split(".")) for name in upstream}
    specs = {
        kind: dg.AssetSpec(
            ["inputs", kind],
            partitions_def=partitions,
            group_name="metrics",
            deps=[keys[name] for name in tables],
            owners=[f"team:{builders[kind].PERSONA}"],
            kinds={"duckdb"},
            description=(
                f"What the {kind} report reads, month by month: each month's data version is a "
                "hash of those rows (twelve months of history), so a correction marks stale only "
                "the report months it reaches. Observed by metrics/report_inputs."
            ),
        )
        for kind, tables in reads.items()
    }
    all_reads = sorted({name for tables in reads.values() for name in tables})
    # a domain report is about the entities of its kind only
    scopes = {
        kind: [e.id for e in config.entities if e.kind == builder.ENTITY_KIND]
        for kind, builder in builders.items()
        if builder.ENTITY_KIND
    }

    @dg.asset(
        key=["metrics", "report_inputs"],
        deps=[keys[name] for name in all_reads],
        group_name="metrics",
        kinds={"duckdb"},
        owners=["team:ceo"],
        pool=POOL,
        description=(
            "Computes each report's input version for every report month and records an "
            "observation of inputs/<report> for each month whose version changed."
        ),
    )
    def report_inputs(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        months = [month_start(key) for key in partitions.get_partition_keys()]
        instance_dir = str(context.instance.root_directory)
        with warehouse.get_connection() as conn:
            versions = input_versions(conn, reads, months, scopes)
            changed = changed_versions(conn, instance_dir, versions)
            for (kind, period), version in sorted(changed.items()):
                context.log_event(
                    dg.AssetObservation(
                        asset_key=specs[kind].key,
                        partition=period,
                        tags={DATA_VERSION_TAG: version},
                    )
                )
            record_versions(conn, instance_dir, versions)
        by_kind = sorted({kind for kind, _ in changed})
        context.log.info(
            f"report inputs: {len(changed)} of {len(versions)} report months changed"
            + (f" ({', '.join(by_kind)})" if by_kind else "")
        )
        return dg.MaterializeResult(
            metadata={
                "report_months": len(versions),
                "changed": len(changed),
                "changed_months": dg.MetadataValue.json(sorted(f"{k} {p}" for k, p in changed)),
            },
            # constant: reports follow their own month's inputs, never this step as a whole
            data_version=dg.DataVersion("report-inputs"),
        )

    return report_inputs, specs
