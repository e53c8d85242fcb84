"""Ingest: one asset per input table, loading every entity's file into raw.<table>, and the
configuration tables (entities, KPIs) that SQL reads.

Each input table's quality gates run in its ingest step, as blocking asset checks: a failed one
fails the step, so nothing downstream of the table (metrics, reports, delivery) runs. A check is
a file under sql/checks/raw/ returning the rows that break a rule: `<table>__<check>.sql` for one
table, `<check>.sql` (no table prefix) for every table. A check gets the named parameters
$table_name and $max_quarantined_share (reporting.yaml `quality`); its first comment line is its
description. A check may return a boolean column `fails`: only the rows where it is true fail
the check; the others are counted in its metadata as tolerated.
"""

import dagster as dg

from exec_reporting.assets.checks import asset_check_result
from exec_reporting.assets.metrics import sql_metadata
from exec_reporting.assets.sources import source_key
from exec_reporting.checks import run_check_file
from exec_reporting.config import ReportingConfig
from exec_reporting.contract import TABLES, Table
from exec_reporting.ingest import IngestError, LoadResult, load_table
from exec_reporting.metrics import content_version
from exec_reporting.resources.warehouse import POOL, WarehouseResource
from exec_reporting.settings import config_rows, config_version, write_config_tables
from exec_reporting.sqlfiles import SQL_DIR, code_version, header_comment

RAW_CHECKS_DIR = SQL_DIR / "checks" / "raw"


def raw_checks(table: Table) -> dict[str, str]:
    """The checks of an input table: {check name: SQL file name under sql/}."""
    found = {
        path.stem: f"checks/raw/{path.stem}"
        for path in RAW_CHECKS_DIR.glob("*.sql")
        if "__" not in path.stem
    }
    for path in RAW_CHECKS_DIR.glob(f"{table.name}__*.sql"):
        check = path.stem.split("__", 1)[1]
        if check in found:
            raise ValueError(f"{path}: check {check!r} already runs for every table")
        found[check] = f"checks/raw/{path.stem}"
    return dict(sorted(found.items()))


def raw_check_description(sql_name: str) -> str:
    """The opening comment of a check file: what the check guards."""
    return header_comment(sql_name)


def check_results(conn, reporting: ReportingConfig, table: Table) -> list[dg.AssetCheckResult]:
    """Every check of an input table, run on the warehouse as it is after its load."""
    return [
        asset_check_result(
            check,
            run_check_file(
                conn,
                sql_name,
                table_name=table.name,
                max_quarantined_share=reporting.quality.max_quarantined_share,
            ),
        )
        for check, sql_name in raw_checks(table).items()
    ]


def _files_table(result: LoadResult) -> dg.TableMetadataValue:
    return dg.MetadataValue.table(
        records=[
            dg.TableRecord(
                {
                    "file": f.source_file,
                    "format": f.source_format,
                    "rows_read": f.rows_read,
                    "rows_loaded": f.rows_loaded,
                    "rows_quarantined": f.rows_quarantined,
                    "rows_duplicate": f.rows_duplicate,
                    "covers_through": f.covers_through.isoformat() if f.covers_through else "",
                }
            )
            for f in result.files
        ],
        schema=dg.TableSchema(
            columns=[
                dg.TableColumn("file", "string"),
                dg.TableColumn("format", "string"),
                dg.TableColumn("rows_read", "int"),
                dg.TableColumn("rows_loaded", "int"),
                dg.TableColumn("rows_quarantined", "int"),
                dg.TableColumn("rows_duplicate", "int"),
                dg.TableColumn("covers_through", "string"),
            ]
        ),
    )


def _preview(result: LoadResult) -> str:
    duplicates = (
        f", **{result.rows_duplicate:,}** already imported from an earlier file"
        if result.rows_duplicate
        else ""
    )
    lines = [
        f"**{result.rows_loaded:,}** rows loaded into `raw.{result.table}`, "
        f"**{result.rows_quarantined:,}** quarantined{duplicates}, "
        f"from {len(result.files)} file(s).",
        "",
        "| file | format | read | loaded | quarantined | duplicate |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {f.source_file} | {f.source_format} | {f.rows_read:,} | {f.rows_loaded:,} | "
        f"{f.rows_quarantined:,} | {f.rows_duplicate:,} |"
        for f in result.files
    ]
    if result.missing_optional:
        lines += ["", "No file (no data for the sections that use it):"]
        lines += [f"- `{path}`" for path in result.missing_optional]
    ignored = sorted({c for f in result.files for c in f.ignored_columns})
    if ignored:
        lines += ["", f"Columns not in the contract, ignored: {', '.join(ignored)}"]
    return "\n".join(lines)


class IngestConfig(dg.Config):
    """Reload only these entities' files (empty: every entity). The data_dir sensor sets it to
    the entities whose file changed."""

    entities: list[str] = []


def _ingest_asset(
    reporting: ReportingConfig, table: Table, source: dg.AssetKey
) -> dg.AssetsDefinition:
    where = (
        f"`{table.file_name}` at the top of `data_dir`"
        if table.scope == "portfolio"
        else f"`<entity>/{table.file_name}` of every entity"
    )
    if table.name == "ledger":
        where += (
            ", or the entity's `sources` in reporting.yaml (OFX statements, bank CSV exports: "
            "docs/importing.md)"
        )

    key = dg.AssetKey(["raw", table.name])
    check_specs = [
        dg.AssetCheckSpec(
            check, asset=key, blocking=True, description=raw_check_description(sql_name)
        )
        for check, sql_name in raw_checks(table).items()
    ]

    # budget.csv's account codes are checked against the chart as loaded (ingest._budget_problems)
    chart = [dg.AssetKey(["raw", "chart_of_accounts"])] if table.name == "budget" else []

    @dg.asset(
        key=key,
        deps=[source, *chart],
        code_version=code_version(
            "exec_reporting/ingest.py",
            "exec_reporting/contract.py",
            "exec_reporting/source_text.py",
            "exec_reporting/account_rules.py",
            "exec_reporting/importers/*.py",
            "sql/ingest/*.sql",
            f"sql/raw/{table.name}.sql",
        ),
        group_name="ingest",
        kinds={"duckdb", "csv"},
        owners=[f"team:{table.owner}"],
        pool=POOL,
        check_specs=check_specs,
        description=(
            f"{table.description} Loaded from {where} into `raw.{table.name}`; rows that break "
            "the input contract go to `quarantine.rows` with file, line, column and reason."
        ),
        metadata={
            "table": f"raw.{table.name}",
            **sql_metadata(f"raw/{table.name}"),
            "contract": dg.MetadataValue.path("docs/data-contract.md"),
        },
    )
    def ingest_table(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: IngestConfig
    ):
        unknown = sorted(set(config.entities) - {e.id for e in reporting.entities})
        if unknown:
            raise dg.Failure(description=f"no such entity in reporting.yaml: {', '.join(unknown)}")
        # one connection for the load and its checks: opening the file costs more than the
        # load of a small export
        with warehouse.get_connection() as conn:
            try:
                result = load_table(conn, reporting, table, entities=config.entities or None)
            except IngestError as error:
                raise dg.Failure(
                    description=str(error),
                    metadata={"problems": dg.MetadataValue.json(error.problems)},
                ) from None
            scope = f" (entities {', '.join(config.entities)})" if config.entities else ""
            context.log.info(
                f"raw.{table.name}: {result.rows_loaded:,} rows loaded, "
                f"{result.rows_quarantined:,} quarantined, from {len(result.files)} file(s){scope}"
            )
            version = content_version(conn, f"raw.{table.name}")
            checks = check_results(conn, reporting, table)
        failed = [c.check_name for c in checks if not c.passed]
        if failed:
            context.log.error(f"raw.{table.name}: FAILED checks: {', '.join(failed)}")
        return dg.MaterializeResult(
            metadata={
                "rows_read": result.rows_read,
                "rows_loaded": result.rows_loaded,
                "rows_quarantined": result.rows_quarantined,
                "rows_duplicate": result.rows_duplicate,
                "files": _files_table(result),
                "preview": dg.MetadataValue.md(_preview(result)),
            },
            check_results=checks,
            data_version=dg.DataVersion(version),
        )

    return ingest_table


def build_ingest_assets(config: ReportingConfig) -> dict[str, dg.AssetsDefinition]:
    """Asset per warehouse table name ("raw.ledger", "config.entities", ...)."""
    assets = {
        f"raw.{table.name}": _ingest_asset(config, table, source_key(table)) for table in TABLES
    }

    descriptions = {
        "entities": "The entities of reporting.yaml: id, name, kind, opening cash, revenue basis.",
        "kpis": "The KPI targets of reporting.yaml, one row per entity and KPI.",
        "loans": "The entities' loans (`entities[].loans`): account and opening balance.",
        "transfer_accounts": "The accounts of money moving between an entity's own accounts "
        "(a Stripe source's payout_account).",
        "parameters": "The thresholds of the ceo, cto, cfo, cmo and accounting sections.",
        "scenarios": "The CFO's base, best and worst growth scenarios.",
        "capital_candidates": "Candidate uses of cash the CFO report ranks by payback.",
        "otas": "Online travel agencies with their commission and audience.",
        "milestones": "The dated marketing milestones of the CMO report.",
        "action_rules": "The CEO's action rules, from the rules file (`ceo.action_rules`).",
        "report_settings": "A fingerprint of the settings that shape what the reports say: "
        "every report reads it, so a changed setting marks them stale.",
    }
    assert set(descriptions) == set(config_rows(config)), "describe every config table"

    @dg.multi_asset(
        specs=[
            dg.AssetSpec(
                ["config", table],
                group_name="ingest",
                kinds={"duckdb", "yaml"},
                owners=["team:ceo"],
                description=f"{text} From reporting.yaml, table `config.{table}`.",
                code_version=code_version(
                    "exec_reporting/settings.py",
                    "exec_reporting/action_rules.py",
                    "sql/config/schema.sql",
                ),
            )
            for table, text in descriptions.items()
        ],
        pool=POOL,
        name="config_tables",
    )
    def config_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        with warehouse.get_connection() as conn:
            counts = write_config_tables(conn, config)
        version = dg.DataVersion(config_version(config))
        for table, rows in counts.items():
            yield dg.MaterializeResult(
                asset_key=["config", table], metadata={"rows": rows}, data_version=version
            )

    for table in descriptions:
        assets[f"config.{table}"] = config_tables
    return assets
