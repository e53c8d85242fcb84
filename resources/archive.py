"""The executive archive's publishers, chosen by `archive.publish`:

- `local` (the default): the site folder is the archive; nothing is uploaded, and emails carry
  no link to it (a file:// link is of no use in a recipient's mailbox);
- `s3`: the site is uploaded to a private S3 bucket, only what changed, and each email links to
  its page with a presigned URL (resources/archive_s3.py, imported only when used: boto3 and
  dagster-aws take a while to import, and every run process would pay for it).

Each has `publish(site, log) -> PublishResult`, `link(page_path)` and `email_link(page_path)`.
"""

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import dagster as dg

from exec_reporting.publishing import ArchiveLink, PublishResult, site_files


class LocalArchive(dg.ConfigurableResource):
    """The site folder itself is the archive (`exec-reporting archive --open` shows it)."""

    name: ClassVar[str] = "local"
    site_dir: str

    def publish(self, site: Path, log: Callable[[str], None] = print) -> PublishResult:
        if not site.is_dir():
            # nothing to upload either way; delivery does not wait on a local archive
            log(f"archive: {site} is not built yet; a local archive has nothing to publish")
            return PublishResult(where=str(site))
        files = site_files(site)
        log(f"archive: {len(files)} file(s) in {site}, the local archive (nothing to upload)")
        return PublishResult(where=str(site), unchanged=sorted(files))

    def link(self, page_path: str) -> str:
        """The page's file:// URL, for the owner's own browser."""
        return (Path(self.site_dir) / page_path).resolve().as_uri()

    def email_link(self, page_path: str) -> ArchiveLink | None:
        return None
