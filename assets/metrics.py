"""The metric store: one asset per relation of exec_reporting.metrics, each built by its SQL
file, with its checks (sql/checks/<relation>__<check>.sql) run in the same step."""

import dagster as dg

from exec_reporting.metrics import (
    Relation,
    build,
    check_description,
    content_version,
    relations,
    run_check,
)
from exec_reporting.sqlfiles import sql_path
from resources.warehouse import POOL, WarehouseResource


def _metric_asset(relation: Relation, upstream: dict[str, dg.AssetKey]) -> dg.AssetsDefinition:
    key = dg.AssetKey(["metrics", relation.name])
    check_specs = [
        dg.AssetCheckSpec(
            check, asset=key, blocking=True, description=check_description(relation, check)
        )
        for check in relation.checks
    ]

    @dg.asset(
        key=key,
        deps=[upstream[name] for name in relation.reads],
        group_name="metrics",
        kinds={"duckdb", "sql"},
        owners=[f"team:{relation.owner}"],
        pool=POOL,
        description=relation.description,
        check_specs=check_specs,
        metadata={
            "table": relation.table,
            "sql": dg.MetadataValue.path(str(sql_path(relation.sql_name))),
            "definitions": dg.MetadataValue.path("docs/metrics.md"),
        },
    )
    def metric(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        with warehouse.get_connection() as conn:
            row_count = build(conn, relation)
            version = content_version(conn, relation.table)
            results = []
            for check in relation.checks:
                failures, sample = run_check(conn, relation, check)
                results.append(
                    dg.AssetCheckResult(
                        check_name=check,
                        passed=failures == 0,
                        severity=dg.AssetCheckSeverity.ERROR,
                        metadata={
                            "failing_rows": failures,
                            "sample": dg.MetadataValue.json(
                                [{k: str(v) for k, v in row.items()} for row in sample]
                            ),
                        },
                    )
                )
        failed = [r.check_name for r in results if not r.passed]
        context.log.info(
            f"{relation.table}: {row_count:,} rows"
            + (f"; FAILED checks: {', '.join(failed)}" if failed else "")
        )
        return dg.MaterializeResult(
            metadata={"rows": row_count},
            check_results=results,
            data_version=dg.DataVersion(version),
        )

    return metric


def build_metric_assets(
    upstream: dict[str, dg.AssetsDefinition],
) -> dict[str, dg.AssetsDefinition]:
    """One asset per metric relation, wired to the tables it reads (a missing one is an error)."""
    keys: dict[str, dg.AssetKey] = {}
    for name, definition in upstream.items():
        schema, _, table = name.partition(".")
        keys[name] = dg.AssetKey([schema, table])
        assert keys[name] in definition.keys, f"{name} is not produced by {definition}"
    assets: dict[str, dg.AssetsDefinition] = {}
    for relation in relations():
        missing = [name for name in relation.reads if name not in keys]
        if missing:
            raise ValueError(f"metrics.{relation.name} reads unknown table(s): {missing}")
        assets[relation.table] = _metric_asset(relation, keys)
        keys[relation.table] = dg.AssetKey(["metrics", relation.name])
    return assets
