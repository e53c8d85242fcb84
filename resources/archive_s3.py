"""The executive archive on S3, through dagster-aws's S3Resource settings.

- Private: objects are written without an ACL (the bucket's own, private, applies; nothing is
  public-read). A recipient reads a page through a presigned GET URL, signed with SigV4, that
  expires after `link_expiry_days` (at most 7: SigV4's limit).
- Only changed files are uploaded: each file's SHA-256 is compared with the manifest the last
  publish wrote (_archive-manifest.json under the prefix) and the key checked against one
  listing of the prefix (docs/decisions.md 49). Each object also carries its hash in its
  metadata (x-amz-meta-sha256), for an operator to check by hand.
- Pages no longer in the site are kept (listed as stale), never deleted.
- With `cloudfront_distribution_id`, one invalidation of the uploaded paths per publish that
  changed something. CloudFront's endpoint is boto3's own (AWS_ENDPOINT_URL_CLOUDFRONT changes
  it); `endpoint_url` is S3's alone.

Credentials come only from boto3's chain. A presigned URL carries the access key id (never the
secret) and, with temporary credentials, the session token, and it stops working when those
credentials expire: sign with an IAM user's key for links that last days (README, archive).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from dagster_aws.s3 import S3Resource
from pydantic import PrivateAttr

from exec_reporting.publishing import (
    MANIFEST_NAME,
    ArchiveLink,
    PublishError,
    PublishResult,
    content_type,
    manifest_bytes,
    plan,
    read_manifest,
    sha256_of,
    site_files,
)

# More changed paths than this are invalidated with one wildcard: CloudFront allows 3,000
# paths in progress at once and charges for each path past 1,000 a month.
MAX_INVALIDATION_PATHS = 500
WHAT_TO_CHECK = (
    "check that the bucket exists (archive.s3.bucket, region {region}) and that the "
    "credentials boto3 finds (environment, profile, role) allow s3:ListBucket, s3:GetObject "
    "and s3:PutObject on it"
)


class S3Archive(S3Resource):
    """Publishes the archive's site folder to s3://bucket/prefix/ and signs links to its pages."""

    name: ClassVar[str] = "s3"
    bucket: str
    prefix: str = ""
    link_expiry_days: int = 7
    cloudfront_distribution_id: str | None = None
    _clients: dict[str, Any] = PrivateAttr(default_factory=dict)
    _published: dict[str, bool] = PrivateAttr(default_factory=dict)

    @classmethod
    def _is_dagster_maintained(cls) -> bool:
        return False  # S3Resource is; this subclass is the project's own

    # -- clients ----------------------------------------------------------------------------------

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            session = boto3.session.Session(
                profile_name=self.profile_name,
                region_name=self.region_name,
                aws_access_key_id=self.aws_access_key_id,
                aws_secret_access_key=self.aws_secret_access_key,
                aws_session_token=self.aws_session_token,
            )
            # SigV4 for every request and every presigned URL (SigV2 links carry no expiry
            # limit AWS still honours in every region); uploads are idempotent: retried
            config = Config(
                signature_version="s3v4" if service == "s3" else None,
                retries={"max_attempts": self.max_attempts, "mode": "standard"},
            )
            self._clients[service] = session.client(
                service,
                endpoint_url=self.endpoint_url if service == "s3" else None,
                use_ssl=self.use_ssl,
                verify=self.verify,
                config=config,
            )
        return self._clients[service]

    def get_client(self) -> Any:
        """The S3 client (S3Resource's contract), signing with SigV4."""
        return self._client("s3")

    def key(self, page_path: str) -> str:
        return f"{self.prefix}/{page_path}" if self.prefix else page_path

    @property
    def where(self) -> str:
        return f"s3://{self.bucket}/{self.key('')}"

    def _failure(self, key: str, doing: str, error: Exception) -> PublishError:
        region = self._client("s3").meta.region_name
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "")
            message = error.response.get("Error", {}).get("Message", "")
            reason = f"{code}: {message}".strip(": ")
        else:
            reason = str(error)
        return PublishError(
            f"s3://{self.bucket}/{key}: {doing} failed ({reason}): "
            + WHAT_TO_CHECK.format(region=region)
        )

    # -- publishing -------------------------------------------------------------------------------

    def _stored_keys(self) -> set[str]:
        """The page paths stored under the prefix (one listing, paged by S3)."""
        start = self.key("")
        found: set[str] = set()
        try:
            pages = self._client("s3").get_paginator("list_objects_v2")
            for page in pages.paginate(Bucket=self.bucket, Prefix=start):
                for item in page.get("Contents", []):
                    found.add(item["Key"][len(start) :])
        except (ClientError, BotoCoreError) as error:
            raise self._failure(start, "listing the archive", error) from None
        return found

    def _previous_manifest(self) -> tuple[dict[str, str], bytes]:
        key = self.key(MANIFEST_NAME)
        try:
            raw = self._client("s3").get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return {}, b""
            raise self._failure(key, "reading the manifest", error) from None
        except BotoCoreError as error:
            raise self._failure(key, "reading the manifest", error) from None
        return read_manifest(raw), raw

    def _put(self, page_path: str, body: bytes, digest: str) -> None:
        key = self.key(page_path)
        try:
            # no ACL: the object is the bucket owner's alone
            self._client("s3").put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=content_type(page_path),
                Metadata={"sha256": digest},
            )
        except (ClientError, BotoCoreError) as error:
            raise self._failure(key, "uploading", error) from None

    def publish(self, site: Path, log: Callable[[str], None] = print) -> PublishResult:
        """Upload what changed in the site folder since the last publish; invalidate those paths
        on CloudFront when a distribution is configured; record the new manifest last, so a
        publish that stops halfway uploads the rest next time."""
        files = site_files(site)
        local = {path: sha256_of(file) for path, file in files.items()}
        previous, previous_raw = self._previous_manifest()
        stored = self._stored_keys()
        todo = plan(local, previous, stored)
        log(
            f"archive: {len(local)} file(s) in {site}; {len(todo.upload)} new or changed to "
            f"upload to {self.where}, {len(todo.unchanged)} unchanged"
        )
        result = PublishResult(
            where=self.where, unchanged=sorted(todo.unchanged), stale=list(todo.stale)
        )
        # what email_link found missing before this publish may be here now
        self._published.clear()
        for number, (page_path, digest) in enumerate(sorted(todo.upload.items()), start=1):
            self._put(page_path, files[page_path].read_bytes(), digest)
            result.uploaded.append(page_path)
            log(f"archive: uploaded {number}/{len(todo.upload)} {page_path}")
        if todo.stale:
            log(
                f"archive: {len(todo.stale)} page(s) no longer in the site are kept in "
                f"{self.where} (never deleted): {', '.join(todo.stale[:10])}"
                + (" ..." if len(todo.stale) > 10 else "")
            )
        if result.uploaded and self.cloudfront_distribution_id:
            reference = hashlib.sha256(
                previous_raw + "\n".join(f"{p}:{todo.upload[p]}" for p in result.uploaded).encode()
            ).hexdigest()
            result.invalidated_paths = self._invalidation_paths(result.uploaded)
            result.invalidation_id = self._invalidate(result.invalidated_paths, reference)
            log(
                f"archive: CloudFront invalidation {result.invalidation_id} of "
                f"{len(result.invalidated_paths)} path(s) on {self.cloudfront_distribution_id}"
            )
        if result.uploaded or previous != todo.manifest(previous):
            manifest = manifest_bytes(todo.manifest(previous))
            self._put(MANIFEST_NAME, manifest, hashlib.sha256(manifest).hexdigest())
        log(f"{result.summary()}")
        return result

    def _invalidation_paths(self, uploaded: list[str]) -> list[str]:
        if len(uploaded) > MAX_INVALIDATION_PATHS:
            return [quote("/" + self.key("*"), safe="/*")]
        return [quote("/" + self.key(path), safe="/") for path in uploaded]

    def _invalidate(self, paths: list[str], reference: str) -> str:
        distribution = self.cloudfront_distribution_id
        try:
            answer = self._client("cloudfront").create_invalidation(
                DistributionId=distribution,
                InvalidationBatch={
                    "Paths": {"Quantity": len(paths), "Items": paths},
                    # the same changes from the same manifest (a retried publish) are one
                    # invalidation, not two
                    "CallerReference": reference,
                },
            )
        except (ClientError, BotoCoreError) as error:
            raise PublishError(
                f"CloudFront distribution {distribution}: creating the invalidation of "
                f"{len(paths)} path(s) failed ({error}); the files are uploaded. Check "
                "archive.cloudfront_distribution_id and that the credentials allow "
                "cloudfront:CreateInvalidation on it; the next publish tries again."
            ) from None
        return answer["Invalidation"]["Id"]

    # -- links ------------------------------------------------------------------------------------

    def link(self, page_path: str, expires_in_seconds: int | None = None) -> ArchiveLink:
        """A presigned GET URL of the page, expiring after link_expiry_days (or the seconds
        given). Signing is local: no request is made."""
        seconds = expires_in_seconds or self.link_expiry_days * 86400
        signed_at = datetime.now(UTC)
        try:
            url = self._client("s3").generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": self.key(page_path)},
                ExpiresIn=seconds,
            )
        except (ClientError, BotoCoreError) as error:
            raise self._failure(self.key(page_path), "signing a link", error) from None
        return ArchiveLink(url=url, expires_at=signed_at + timedelta(seconds=seconds))

    def email_link(self, page_path: str) -> ArchiveLink | None:
        """A link for an email, only to a page that is published (asked once per page): an
        email never carries a link that would not open."""
        if page_path not in self._published:
            key = self.key(page_path)
            try:
                self._client("s3").head_object(Bucket=self.bucket, Key=key)
                self._published[page_path] = True
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey"):
                    raise self._failure(key, "checking the page", error) from None
                self._published[page_path] = False
            except BotoCoreError as error:
                raise self._failure(key, "checking the page", error) from None
        return self.link(page_path) if self._published[page_path] else None
