"""Report inputs: what makes a correction re-render only the report months it reaches.

For each report, an observable asset `inputs/<report>`, partitioned by month, whose data version
for a month is a hash of the rows that report reads for it (exec_reporting/report_inputs.py; what
a report reads is derived from its SQL files, exec_reporting/reports/spec.py). The asset
`metrics/report_inputs`, run after the metric store, computes those versions, records an
observation for each month whose version changed, and lists every rendered report month that is
now stale in its metadata. A report month depends on its inputs' month, so after a correction
Dagster marks stale exactly the report months whose inputs changed, the portfolio roll-up
included, since every month's version covers every entity. (A report depending on the
unpartitioned metric tables directly would turn stale in every month at every rebuild; a
portfolio partition depending on entity partitions through an all-partitions mapping would never
turn stale: Dagster skips staleness there.)
"""

import dagster as dg

from exec_reporting.assets.events import observation
from exec_reporting.config import ReportingConfig
from exec_reporting.report_inputs import (
    changed_versions,
    input_versions,
    record_versions,
    stale_reports,
)
from exec_reporting.reports.common import month_start
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.resources.warehouse import POOL, WarehouseResource
from exec_reporting.sqlfiles import code_version

# Relations no report reads whose blocking checks must hold every report back all the same: the
# bank balances that do not reconcile with the ledger.
GATES = ("metrics.balance_reconciliation",)
# Tables reports read that no asset produces: bookkeeping written by ingest (quarantine, file
# loads) and by delivery (held packs). They are hashed like the others, without an edge.
OPERATIONAL_SCHEMAS = ("quarantine", "ingest", "delivery")


def stale_markdown(stale: dict[str, list[str]]) -> str:
    if not stale:
        return "No rendered report month is stale."
    lines = [
        f"**{sum(len(k) for k in stale.values())}** rendered report month(s) are stale: their "
        "inputs or their code changed since they were rendered.",
        "",
        "| month | reports |",
        "| --- | --- |",
        *(f"| {month} | {', '.join(kinds)} |" for month, kinds in sorted(stale.items())),
        "",
        "Re-render them and send their corrections with `exec-reporting backfill --stale`, or "
        "launch the runs the sensor `rerender_stale_reports` proposes (Automation, "
        "**Test sensor**).",
    ]
    return "\n".join(lines)


def asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


def build_report_inputs(
    config: ReportingConfig,
    partitions: dg.PartitionsDefinition,
    specs: dict[str, ReportSpec],
    upstream: dict[str, dg.AssetsDefinition],
) -> tuple[dg.AssetsDefinition, dict[str, dg.AssetSpec]]:
    reads = {kind: spec.reads for kind, spec in specs.items()}
    for kind, tables in reads.items():
        unknown = [
            t for t in tables if t not in upstream and t.split(".")[0] not in OPERATIONAL_SCHEMAS
        ]
        if unknown:
            raise ValueError(f"report {kind} reads tables no asset produces: {unknown}")
    specs_by_kind = {
        kind: dg.AssetSpec(
            ["inputs", kind],
            partitions_def=partitions,
            group_name="metrics",
            deps=[asset_key(t) for t in tables if t in upstream],
            owners=[f"team:{specs[kind].persona}"],
            kinds={"duckdb"},
            description=(
                f"What the {kind} report reads, month by month: each month's data version is a "
                "hash of those rows (twelve months of history), so a correction marks stale only "
                "the report months it reaches. Observed by `metrics/report_inputs`."
            ),
            metadata={"reads": dg.MetadataValue.json(list(tables))},
        )
        for kind, tables in reads.items()
    }
    all_reads = sorted({t for tables in reads.values() for t in tables if t in upstream})
    # a domain report is about the entities of its kind only
    scopes = {kind: spec.entities(config) for kind, spec in specs.items() if spec.entity_kind}
    code_versions = {kind: spec.code_version for kind, spec in specs.items()}

    @dg.asset(
        key=["metrics", "report_inputs"],
        deps=[asset_key(t) for t in [*all_reads, *GATES]],
        group_name="metrics",
        kinds={"duckdb"},
        owners=["team:ceo"],
        pool=POOL,
        code_version=code_version("exec_reporting/report_inputs.py", "sql/meta/*.sql"),
        description=(
            "Computes each report's input version for every report month, records an "
            "observation of `inputs/<report>` for each month whose version changed, and lists "
            "the rendered report months that are stale."
        ),
    )
    def report_inputs(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        months = [month_start(key) for key in partitions.get_partition_keys()]
        instance_dir = str(context.instance.root_directory)
        with warehouse.get_connection() as conn:
            versions = input_versions(conn, reads, months, scopes)
            changed = changed_versions(conn, instance_dir, versions)
            for (kind, period), version in sorted(changed.items()):
                context.log_event(observation(specs_by_kind[kind].key, version, period))
            record_versions(conn, instance_dir, versions)
            stale = stale_reports(conn, instance_dir, code_versions)
        by_kind = sorted({kind for kind, _ in changed})
        context.log.info(
            f"report inputs: {len(changed)} of {len(versions)} report months changed"
            + (f" ({', '.join(by_kind)})" if by_kind else "")
            + f"; {sum(len(k) for k in stale.values())} rendered report month(s) stale"
        )
        return dg.MaterializeResult(
            metadata={
                "report_months": len(versions),
                "changed": len(changed),
                "changed_months": dg.MetadataValue.json(sorted(f"{k} {p}" for k, p in changed)),
                "stale_report_months": dg.MetadataValue.json(stale),
                "stale": dg.MetadataValue.md(stale_markdown(stale)),
            },
            # constant: reports follow their own month's inputs, never this step as a whole
            data_version=dg.DataVersion("report-inputs"),
        )

    return report_inputs, specs_by_kind
