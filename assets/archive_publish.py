"""Publishing the executive archive: the site folder archive/site builds, uploaded where
`archive.publish` says (resources/archive.py), before delivery, so each email's link to its page
opens the page it names."""

import dagster as dg

from exec_reporting.assets.archive import SITE_KEY
from exec_reporting.config import ReportingConfig
from exec_reporting.publishing import PublishError
from exec_reporting.resources.warehouse import POOL
from exec_reporting.sqlfiles import code_version

PUBLISHED_KEY = dg.AssetKey(["archive", "published"])


def build_publish_asset(
    config: ReportingConfig, partitions: dg.PartitionsDefinition, site: dg.AssetsDefinition | None
) -> dg.AssetsDefinition:
    @dg.asset(
        key=PUBLISHED_KEY,
        deps=[site if site is not None else SITE_KEY],
        partitions_def=partitions,
        group_name="archive",
        # in the pack's one pool like every step: two packs at once publish one after the other
        pool=POOL,
        kinds={"s3" if config.archive.publish == "s3" else "html"},
        owners=["team:ceo"],
        code_version=code_version("exec_reporting/publishing.py"),
        description=(
            "Publishes the archive's site folder (archive.site_dir) where archive.publish says: "
            "local (the folder is the archive: nothing to do) or s3 (a private bucket: only "
            "the files whose SHA-256 changed are uploaded, the changed paths invalidated on "
            "CloudFront when a distribution is configured). Runs before delivery: each email "
            "links to its report's page with a presigned URL."
        ),
    )
    def published(context: dg.AssetExecutionContext, archive_publisher: dg.ConfigurableResource):
        try:
            result = archive_publisher.publish(  # type: ignore[attr-defined]
                config.archive_site_path, log=context.log.info
            )
        except PublishError as error:
            raise dg.Failure(description=f"publishing the archive failed: {error}") from None
        preview = "\n".join(f"- `{path}`" for path in result.uploaded[:50]) or "nothing changed"
        return dg.MaterializeResult(
            metadata={
                "where": result.where,
                "uploaded": len(result.uploaded),
                "unchanged": len(result.unchanged),
                "kept_not_in_site": len(result.stale),
                "invalidation_id": result.invalidation_id or "",
                "summary": result.summary(),
                "uploaded_files": dg.MetadataValue.md(preview),
            }
        )

    return published
