"""Publishing the executive archive: which files of the site folder changed since the last
publish, and the links from emails to their pages.

The site folder (archive.site_dir) is built by the archive's site asset; this module knows its
page paths and compares its files with what the last publish recorded (a manifest of SHA-256
hashes, docs/decisions.md 49). The publishers themselves (a local folder, S3) are Dagster
resources in resources/archive.py and resources/archive_s3.py.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

# The page of each report, relative to the site's root (the site asset writes them there).
GLOSSARY_PAGE = "glossary.html"
# What the last publish uploaded: {"files": {page path: sha256}}. Kept beside the site's
# files under the prefix; it is not a page and no page links to it.
MANIFEST_NAME = "_archive-manifest.json"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"


class PublishError(Exception):
    """Publishing failed; the message names the bucket, the key and what to check."""


def report_page(period: str, report_name: str) -> str:
    """The page of one report of a month: 2026-10/ceo.html, 2026-10/rental-harbor.html."""
    return f"{period}/{report_name}.html"


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(Path(path).suffix.lower(), DEFAULT_CONTENT_TYPE)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def site_files(site: Path) -> dict[str, Path]:
    """Every file of the site folder by its path relative to the root (POSIX separators), in a
    stable order. Hidden files and half-written ones (*.tmp) are no part of the site."""
    if not site.is_dir():
        raise PublishError(
            f"{site}: the archive's site folder does not exist: build it first (the asset "
            "archive/site, or `exec-reporting run`), or check archive.site_dir"
        )
    found = {}
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if not path.is_file() or relative.endswith(".tmp"):
            continue
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        if relative == MANIFEST_NAME:
            continue
        found[relative] = path
    return found


@dataclass
class PublishPlan:
    """What a publish does: the files to upload (new or changed) and those left as they are."""

    upload: dict[str, str] = field(default_factory=dict)  # page path -> sha256
    unchanged: dict[str, str] = field(default_factory=dict)
    # published before and no longer in the site: kept (docs/decisions.md 49)
    stale: list[str] = field(default_factory=list)

    def manifest(self, previous: dict[str, str]) -> dict[str, str]:
        """The manifest after this publish: every file published, stale ones included (they
        are still in the bucket)."""
        return dict(sorted({**previous, **self.unchanged, **self.upload}.items()))


def plan(local: dict[str, str], previous: dict[str, str], stored: set[str]) -> PublishPlan:
    """Compare the site's files (path -> sha256) with the last publish's manifest and with the
    objects actually stored: a file is uploaded when its hash differs from the manifest's, or
    when its object is gone (deleted by hand, a publish that stopped halfway)."""
    result = PublishPlan()
    for path, digest in local.items():
        if previous.get(path) == digest and path in stored:
            result.unchanged[path] = digest
        else:
            result.upload[path] = digest
    result.stale = sorted(p for p in previous if p not in local and p in stored)
    return result


def read_manifest(raw: bytes | None) -> dict[str, str]:
    """The manifest's files; an unreadable or foreign one counts as none (everything uploads)."""
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items() if isinstance(v, str)}


def manifest_bytes(files: dict[str, str]) -> bytes:
    return (json.dumps({"version": 1, "files": files}, indent=1, sort_keys=True) + "\n").encode()


@dataclass(frozen=True)
class ArchiveLink:
    """A link from an email to a page of the archive, and when it stops working."""

    url: str
    expires_at: datetime

    def until(self) -> str:
        """The last day the link works, as the email says it (UTC)."""
        return self.expires_at.strftime("%Y-%m-%d %H:%M UTC")


class ArchiveLinks(Protocol):
    """What delivery asks of the archive: a link a recipient can open, or None (a local archive:
    a file:// link is of no use in someone else's mailbox; a page that was not published)."""

    def email_link(self, page_path: str) -> ArchiveLink | None: ...


@dataclass
class PublishResult:
    """What a publish did: where, what it uploaded, what it left as it was, and the CloudFront
    invalidation it created (None when nothing changed or no distribution is configured)."""

    where: str
    uploaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    invalidation_id: str | None = None
    invalidated_paths: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"archive {self.where}: {len(self.uploaded)} uploaded, {len(self.unchanged)} unchanged"
        )
        if self.stale:
            text += f", {len(self.stale)} no longer in the site (kept)"
        if self.invalidation_id:
            text += f", CloudFront invalidation {self.invalidation_id}"
        return text
