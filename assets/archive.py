"""The executive archive: the static site of every report edition and of the trends across
months (exec_reporting/site.py), rebuilt after the reports of a month are rendered, so a
correction reaches it in the same run. The site is written to a local folder; publishing it is
a step of its own."""

import dagster as dg

from exec_reporting.config import ReportingConfig
from exec_reporting.resources.warehouse import POOL, WarehouseResource
from exec_reporting.site import build_site
from exec_reporting.sqlfiles import code_version

# The site's asset: a re-render after a correction (backfill --stale, rerender_stale_reports)
# selects it with the reports, so the archive shows the corrected edition in the same run.
SITE_KEY = dg.AssetKey(["archive", "site"])
# Changed files listed in the materialization's metadata, at most.
LISTED = 50


def build_site_asset(
    config: ReportingConfig,
    partitions: dg.PartitionsDefinition,
    reports: dict[str, dg.AssetsDefinition],
) -> dg.AssetsDefinition:
    @dg.asset(
        key=SITE_KEY,
        deps=list(reports.values()),
        partitions_def=partitions,
        group_name="archive",
        kinds={"html"},
        owners=["team:ceo"],
        pool=POOL,
        code_version=code_version(
            "exec_reporting/site.py",
            "exec_reporting/templates/site*",
            "sql/site/*.sql",
        ),
        description=(
            "The executive archive: a static site (plain HTML and CSS, no JavaScript) of every "
            "report of every month in reports_dir, each earlier edition of a corrected report "
            "with its 'What changed' (from the send ledger), a trend page per entity (revenue, "
            "burn, cash, runway, every KPI against its target; sql/site/) and the glossary. "
            "Rebuilt whole whenever a month's reports are: only files whose bytes changed are "
            "written."
        ),
    )
    def site(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        with warehouse.get_connection() as conn:
            written = build_site(conn, config, log=context.log.info)
        listed = written.changed[:LISTED]
        more = len(written.changed) - len(listed)
        return dg.MaterializeResult(
            metadata={
                "folder": dg.MetadataValue.path(str(written.root)),
                "home": dg.MetadataValue.url((written.root / "index.html").as_uri()),
                "pages": written.pages,
                "files": len(written.files),
                "files_changed": len(written.changed),
                "files_removed": len(written.removed),
                "changed": dg.MetadataValue.json(
                    listed + ([f"... and {more} more"] if more else [])
                ),
            }
        )

    return site
