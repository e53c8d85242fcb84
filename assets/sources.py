"""Sources: the input files, one observable asset per table of the input contract. Its data
version is a hash of the table's files (each file's path and SHA-256), so a changed file makes
the ingest asset downstream of it stale in the UI."""

import dagster as dg

from exec_reporting.config import ReportingConfig
from exec_reporting.contract import TABLES, Table
from exec_reporting.ingest import table_version


def _source_asset(config: ReportingConfig, table: Table) -> dg.SourceAsset:
    where = (
        f"`{table.file_name}` at the top of `data_dir`"
        if table.scope == "portfolio"
        else f"`<entity>/{table.file_name}` of every entity"
    )

    @dg.observable_source_asset(
        key=["sources", table.name],
        group_name="sources",
        description=f"{table.description} The files: {where} (`{config.data_path}`).",
        metadata={
            "files": f"{config.data_path}/"
            + (table.file_name if table.scope == "portfolio" else f"*/{table.file_name}"),
            "contract": dg.MetadataValue.path("docs/data-contract.md"),
        },
    )
    def source() -> dg.DataVersion:
        version, _ = table_version(config, table)
        return dg.DataVersion(version)

    return source


def build_source_assets(config: ReportingConfig) -> dict[str, dg.SourceAsset]:
    return {table.name: _source_asset(config, table) for table in TABLES}
