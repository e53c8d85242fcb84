"""Sources: the input files, one observable asset per table of the input contract. Its data
version is a hash of the table's files (each file's path and SHA-256), so a changed file makes
the ingest asset downstream of it stale in the UI. One step observes them all (**Observe
sources** in the UI); the data_dir sensor records the tables whose files changed."""

import dagster as dg

from exec_reporting.config import ReportingConfig
from exec_reporting.contract import TABLES, Table
from exec_reporting.ingest import table_version


def source_key(table: Table) -> dg.AssetKey:
    return dg.AssetKey(["sources", table.name])


def _spec(config: ReportingConfig, table: Table) -> dg.AssetSpec:
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
    return dg.AssetSpec(
        source_key(table),
        group_name="sources",
        description=f"{table.description} The files: {where} (`{config.data_path}`).",
        metadata={
            "files": f"{config.data_path}/"
            + (table.file_name if table.scope == "portfolio" else f"*/{table.file_name}"),
            "contract": dg.MetadataValue.path("docs/data-contract.md"),
        },
    )


def build_source_assets(config: ReportingConfig) -> dg.AssetsDefinition:
    """The input files of every table, observed in one step."""

    @dg.multi_observable_source_asset(
        name="input_files", specs=[_spec(config, table) for table in TABLES], can_subset=True
    )
    def input_files(context: dg.AssetExecutionContext):
        for table in TABLES:
            if source_key(table) in context.selected_asset_keys:
                version, hashes = table_version(config, table)
                yield dg.ObserveResult(
                    asset_key=source_key(table),
                    data_version=dg.DataVersion(version),
                    metadata={"files": dg.MetadataValue.json(hashes)},
                )

    return input_files
