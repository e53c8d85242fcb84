"""The metric store: one asset per relation of exec_reporting.metrics, each built by its SQL
file, with its checks (sql/checks/<relation>__<check>.sql) as blocking asset checks.

The relations are the assets of one multi-asset step, built in dependency order on one warehouse
connection: one step instead of one per relation saves a process-wide overhead of a few tenths
of a second per relation on every run (docs/decisions.md). Any subset can be materialized on its
own (the data_dir sensor and "Materialize stale" do), and a relation whose blocking check fails
stops the relations built from it in the same step, as separate steps would.
"""

import dagster as dg

from exec_reporting.assets.checks import asset_check_result
from exec_reporting.metrics import (
    Relation,
    build,
    check_description,
    check_outcome,
    content_version,
    relations,
)
from exec_reporting.resources.warehouse import POOL, WarehouseResource
from exec_reporting.sqlfiles import read_sql, sql_path


def sql_metadata(sql_name: str) -> dict:
    """The SQL an asset runs, on its page: the file's text, so lineage reaches the formula in
    one click, and its path. (Dagster's code references are beta: not used.)"""
    return {
        "sql": dg.MetadataValue.md(f"`sql/{sql_name}.sql`\n\n```sql\n{read_sql(sql_name)}\n```"),
        "sql_file": dg.MetadataValue.path(str(sql_path(sql_name))),
    }


def _key(relation: Relation) -> dg.AssetKey:
    return dg.AssetKey(["metrics", relation.name])


def _spec(relation: Relation, keys: dict[str, dg.AssetKey]) -> dg.AssetSpec:
    return dg.AssetSpec(
        _key(relation),
        deps=[keys[name] for name in relation.reads],
        group_name="metrics",
        kinds={"duckdb", "sql"},
        owners=[f"team:{relation.owner}"],
        description=relation.description,
        skippable=True,
        code_version=relation.code_version,
        metadata={
            "table": relation.table,
            **sql_metadata(relation.sql_name),
            "definitions": dg.MetadataValue.path("docs/metrics.md"),
        },
    )


def _check_results(conn, relation: Relation) -> list[dg.AssetCheckResult]:
    return [
        asset_check_result(check, check_outcome(conn, relation, check), _key(relation))
        for check in relation.checks
    ]


def build_metric_assets(
    upstream: dict[str, dg.AssetsDefinition],
) -> dict[str, dg.AssetsDefinition]:
    """The metric store, wired to the tables each relation reads (a missing one is an error).
    Keyed by table name ("metrics.burn"), all to the one multi-asset."""
    keys: dict[str, dg.AssetKey] = {}
    for name, definition in upstream.items():
        schema, _, table = name.partition(".")
        keys[name] = dg.AssetKey([schema, table])
        assert keys[name] in definition.keys, f"{name} is not produced by {definition}"
    ordered = relations()
    for relation in ordered:
        missing = [name for name in relation.reads if name not in keys]
        if missing:
            raise ValueError(f"metrics.{relation.name} reads unknown table(s): {missing}")
        keys[relation.table] = _key(relation)

    @dg.multi_asset(
        name="metric_store",
        specs=[_spec(relation, keys) for relation in ordered],
        check_specs=[
            dg.AssetCheckSpec(
                check,
                asset=_key(relation),
                blocking=True,
                description=check_description(relation, check),
            )
            for relation in ordered
            for check in relation.checks
        ],
        can_subset=True,
        pool=POOL,
    )
    def metric_store(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        selected = context.selected_asset_keys
        failed: set[str] = set()  # relations whose blocking check failed, or built on one
        with warehouse.get_connection() as conn:
            for relation in ordered:
                if _key(relation) not in selected:
                    continue
                held = sorted(name for name in relation.reads if name in failed)
                if held:
                    failed.add(relation.table)
                    context.log.error(
                        f"{relation.table}: not built: {', '.join(held)} failed a blocking check"
                    )
                    continue
                row_count = build(conn, relation)
                results = _check_results(conn, relation)
                broken = [r.check_name for r in results if not r.passed]
                if broken:
                    failed.add(relation.table)
                context.log.info(
                    f"{relation.table}: {row_count:,} rows"
                    + (f"; FAILED checks: {', '.join(broken)}" if broken else "")
                )
                yield dg.MaterializeResult(
                    asset_key=_key(relation),
                    metadata={"rows": row_count},
                    check_results=results,
                    data_version=dg.DataVersion(content_version(conn, relation.table)),
                )

    return {relation.table: metric_store for relation in ordered}
