"""Publishing the executive archive to S3, against moto's server over HTTP on 127.0.0.1, and the
links from emails to it.

What an owner depends on: nothing in the bucket is public; a link in an email opens its page
until the configured expiry and not after; a publish with nothing changed uploads nothing, a
changed file uploads only itself and CloudFront forgets only that path; the email's Definitions
shrink to a link to the glossary; a resent message is the same bytes, links included.

moto (5.2) checks neither the signature nor the expiry of a presigned URL (its S3 GET of an
existing key serves any URL that says "Signature="). `PresignGate` stands in front of it and
does what S3 does with a presigned GET, SigV4 written out from AWS's specification (not with
botocore, which made the URL): refuses one that has expired or whose signature does not match.
Every other request goes to moto as it came, and the gate counts them.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import http.client
import json
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from conftest import build_report, load_warehouse, write_portfolio
from fake_ses import MotoSes

from exec_reporting.config import ConfigError, load_config
from exec_reporting.delivery import (
    OutcomeUnknown,
    ReportFiles,
    build_raw,
    deliver,
    email_links,
    resend_open,
)
from exec_reporting.publishing import PublishError
from exec_reporting.resources.archive import LocalArchive
from exec_reporting.resources.archive_s3 import S3Archive
from exec_reporting.resources.mail import OutboxTransport
from exec_reporting.send_ledger import SendLedger, Status

REGION = "us-east-1"
# fake credentials for the local servers only; the key id and the secret differ, so a test can
# tell that a link carries the one and never the other
ACCESS_KEY_ID = "AKIAEXAMPLEARCHIVE01"
SECRET_KEY = "archive-test-secret-never-real-0123456789"
BUCKET = "acme-exec-archive"
PREFIX = "acme/archive"
MONTH = "2025-03"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24

SITE = {
    "index.html": "<!DOCTYPE html><title>Archive</title><a href='2025-03/cfo.html'>CFO</a>",
    "months/index.html": "<!DOCTYPE html><title>Months</title><a href='../2025-03/cfo.html'>",
    "2025-03/cfo.html": "<!DOCTYPE html><title>CFO March</title><p>Runway 7.2 months</p>",
    "2025-03/cfo.edition-2.html": "<!DOCTYPE html><title>CFO March, edition 2</title>",
    "trends/shop.html": "<!DOCTYPE html><title>Trends: The Shop</title>",
    "glossary.html": "<!DOCTYPE html><title>Glossary</title><dl><dt>Runway</dt></dl>",
    "style.css": "body { font-family: Arial, sans-serif; }",
    "2025-03/cfo.cash.png": PNG,
}


# -- a SigV4 presigned-URL gate in front of moto ---------------------------------------------------


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _uri_encode(text: str) -> str:
    return urllib.parse.quote(text, safe="-_.~")


def presigned_refusal(
    method: str, raw_path: str, headers: dict[str, str], secret: str, now: datetime
) -> str | None:
    """Why S3 would refuse this presigned request (None: it would serve it), per AWS's "Query
    string authentication" (Signature Version 4) for S3."""
    path, _, query = raw_path.partition("?")
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    params = dict(pairs)
    signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    expires = int(params["X-Amz-Expires"])
    if expires > 604800:
        return "X-Amz-Expires must be less than a week (in seconds) that is 604800"
    if now > signed_at + timedelta(seconds=expires):
        return "Request has expired"
    _key_id, day, region, service, _ = params["X-Amz-Credential"].split("/")
    signed_headers = params["X-Amz-SignedHeaders"].split(";")
    lower = {name.lower(): value.strip() for name, value in headers.items()}
    canonical_query = "&".join(
        f"{_uri_encode(k)}={_uri_encode(v)}" for k, v in sorted(pairs) if k != "X-Amz-Signature"
    )
    canonical_request = "\n".join(
        [
            method,
            path,  # S3 signs the path as sent, not encoded again
            canonical_query,
            "".join(f"{name}:{lower[name]}\n" for name in signed_headers),
            ";".join(signed_headers),
            "UNSIGNED-PAYLOAD",
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            params["X-Amz-Date"],
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = _hmac(("AWS4" + secret).encode(), day)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, params.get("X-Amz-Signature", "")):
        return "The request signature we calculated does not match the signature you provided"
    return None


class _GateHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # botocore's PUTs ask for 100-continue
    gate: PresignGate

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.forward("GET")

    def do_HEAD(self) -> None:
        self.forward("HEAD")

    def do_PUT(self) -> None:
        self.forward("PUT")

    def do_POST(self) -> None:
        self.forward("POST")

    def do_DELETE(self) -> None:
        self.forward("DELETE")

    def forward(self, method: str) -> None:
        gate = self.gate
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with gate.lock:
            gate.requests.append((method, self.path))
        if method == "GET" and "X-Amz-Signature=" in self.path:
            refusal = presigned_refusal(
                method, self.path, dict(self.headers.items()), gate.secret, gate.clock()
            )
            if refusal:
                payload = f"<Error><Code>AccessDenied</Code><Message>{refusal}</Message></Error>"
                self.send_response(403)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload.encode())
                return
        target = urllib.parse.urlsplit(gate.target)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        headers = {
            k: v
            for k, v in self.headers.items()
            if k.lower() not in ("host", "connection", "expect")
        }
        try:
            connection.request(method, self.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(payload)
        finally:
            connection.close()


class PresignGate:
    """An HTTP server on 127.0.0.1 that checks presigned GETs as S3 does and forwards every
    request to moto; `requests` lists what it forwarded or refused, `clock` is its time."""

    def __init__(self, target: str, secret: str) -> None:
        self.target = target
        self.secret = secret
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        handler = type("Handler", (_GateHandler,), {"gate": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> PresignGate:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def puts(self) -> list[str]:
        """The object keys PUT through the gate since the last `forget()`."""
        with self.lock:
            return [urllib.parse.unquote(p.split("?")[0]) for m, p in self.requests if m == "PUT"]

    def forget(self) -> None:
        with self.lock:
            self.requests.clear()
        self.clock = lambda: datetime.now(UTC)


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch, tmp_path):
    """Test credentials only: nothing from the machine's AWS configuration can leak in."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("EXEC_REPORTING_CONFIG", raising=False)


@pytest.fixture(scope="module")
def moto_server():
    with MotoSes() as server:
        yield server


@pytest.fixture(scope="module")
def gate(moto_server):
    with PresignGate(moto_server.url, SECRET_KEY) as running:
        yield running


@pytest.fixture
def s3(moto_server, gate, monkeypatch):
    """moto emptied, the archive's bucket created; CloudFront's endpoint is moto too (boto3's
    own AWS_ENDPOINT_URL_CLOUDFRONT)."""
    moto_server.reset()
    gate.forget()
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFRONT", moto_server.url)
    client = boto3.client("s3", endpoint_url=moto_server.url, region_name=REGION)
    client.create_bucket(Bucket=BUCKET)
    return client


def distribution(moto_url: str) -> str:
    cloudfront = boto3.client("cloudfront", endpoint_url=moto_url, region_name=REGION)
    origin = {"Id": "archive", "DomainName": f"{BUCKET}.s3.amazonaws.com"}
    origin["S3OriginConfig"] = {"OriginAccessIdentity": ""}  # type: ignore[assignment]
    made = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "archive-test",
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "archive",
                "ViewerProtocolPolicy": "https-only",
            },
            "Comment": "the archive",
            "Enabled": True,
        }
    )
    return made["Distribution"]["Id"]


def invalidations(moto_url: str, distribution_id: str) -> list[list[str]]:
    cloudfront = boto3.client("cloudfront", endpoint_url=moto_url, region_name=REGION)
    listed = cloudfront.list_invalidations(DistributionId=distribution_id)["InvalidationList"]
    found = []
    for item in listed.get("Items", []):
        batch = cloudfront.get_invalidation(DistributionId=distribution_id, Id=item["Id"])
        found.append(sorted(batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]))
    return found


def write_site(folder: Path, files: dict[str, str | bytes] | None = None) -> Path:
    for name, content in (files or SITE).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def publisher(gate: PresignGate, **settings: Any) -> S3Archive:
    return S3Archive(
        bucket=settings.pop("bucket", BUCKET),
        prefix=PREFIX,
        region_name=REGION,
        endpoint_url=gate.url,
        **settings,
    )


def fetch(url: str) -> tuple[int, bytes, str]:
    """An unsigned HTTP GET, as a browser opening the link: (status, body, content type)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read(), answer.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


# -- publishing ------------------------------------------------------------------------------------


def test_a_publish_uploads_every_page_private_with_its_content_type(
    tmp_path, s3, gate, moto_server
):
    site = write_site(tmp_path / "site")
    result = publisher(gate).publish(site, log=lambda _: None)

    assert sorted(result.uploaded) == sorted(SITE)
    assert result.unchanged == [] and result.invalidation_id is None
    # one PUT per file, and the manifest last
    assert gate.puts()[-1] == f"/{BUCKET}/{PREFIX}/_archive-manifest.json"
    assert Counter(gate.puts()) == Counter(
        [f"/{BUCKET}/{PREFIX}/{name}" for name in SITE]
        + [f"/{BUCKET}/{PREFIX}/_archive-manifest.json"]
    )
    types = {
        name: s3.head_object(Bucket=BUCKET, Key=f"{PREFIX}/{name}")["ContentType"] for name in SITE
    }
    assert types["2025-03/cfo.html"] == "text/html; charset=utf-8"
    assert types["2025-03/cfo.cash.png"] == "image/png"
    assert types["style.css"] == "text/css; charset=utf-8"
    for name in SITE:
        acl = s3.get_object_acl(Bucket=BUCKET, Key=f"{PREFIX}/{name}")
        # the owner alone, with full control: no AllUsers or AuthenticatedUsers grant
        assert [
            (g["Grantee"]["Type"], g["Grantee"].get("ID"), g["Permission"]) for g in acl["Grants"]
        ] == [("CanonicalUser", acl["Owner"]["ID"], "FULL_CONTROL")], name
        # nobody without a signature reads it: an unsigned GET straight at the object
        status, body, _ = fetch(f"{moto_server.url}/{BUCKET}/{PREFIX}/{name}")
        assert status == 403 and SITE[name] not in (body, body.decode("latin-1")), name
    stored = s3.get_object(Bucket=BUCKET, Key=f"{PREFIX}/2025-03/cfo.html")
    assert (
        stored["Metadata"]["sha256"]
        == hashlib.sha256(SITE["2025-03/cfo.html"].encode()).hexdigest()
    )


def test_a_presigned_link_serves_the_page_until_it_expires_and_not_after(tmp_path, s3, gate):
    site = write_site(tmp_path / "site")
    archive = publisher(gate, link_expiry_days=7)
    archive.publish(site, log=lambda _: None)

    link = archive.link("2025-03/cfo.html")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link.url).query))
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Expires"] == str(7 * 86400)
    assert query["X-Amz-Credential"].startswith(ACCESS_KEY_ID + "/")
    assert SECRET_KEY not in link.url
    assert (
        datetime.now(UTC) + timedelta(days=6)
        < link.expires_at
        <= datetime.now(UTC) + timedelta(days=7)
    )

    status, body, content_type = fetch(link.url)
    assert (status, body) == (200, SITE["2025-03/cfo.html"].encode())
    assert content_type == "text/html; charset=utf-8"
    # the gate is a real check: a link to another key with this signature is refused
    status, body, _ = fetch(link.url.replace("cfo.html", "cfo.edition-2.html"))
    assert status == 403 and b"signature" in body

    # a minute before the seventh day ends it still opens; a minute after, it does not
    gate.clock = lambda: link.expires_at - timedelta(minutes=1)
    assert fetch(link.url)[0] == 200
    gate.clock = lambda: link.expires_at + timedelta(minutes=1)
    status, body, _ = fetch(link.url)
    assert status == 403 and b"Request has expired" in body


def test_a_second_publish_with_nothing_changed_uploads_nothing(tmp_path, s3, gate, moto_server):
    site = write_site(tmp_path / "site")
    cloudfront_id = distribution(moto_server.url)
    archive = publisher(gate, cloudfront_distribution_id=cloudfront_id)
    first = archive.publish(site, log=lambda _: None)
    assert first.invalidation_id is not None
    gate.forget()

    again = publisher(gate, cloudfront_distribution_id=cloudfront_id).publish(
        site, log=lambda _: None
    )

    assert again.uploaded == [] and sorted(again.unchanged) == sorted(SITE)
    assert gate.puts() == []
    # and no invalidation: CloudFront holds only the first publish's
    assert again.invalidation_id is None
    assert len(invalidations(moto_server.url, cloudfront_id)) == 1


def test_a_changed_file_uploads_only_itself_and_is_the_only_path_invalidated(
    tmp_path, s3, gate, moto_server
):
    site = write_site(tmp_path / "site")
    cloudfront_id = distribution(moto_server.url)
    archive = publisher(gate, cloudfront_distribution_id=cloudfront_id)
    first = archive.publish(site, log=lambda _: None)
    assert sorted(first.invalidated_paths) == sorted(f"/{PREFIX}/{name}" for name in SITE)
    gate.forget()

    corrected = "<!DOCTYPE html><title>CFO March</title><p>Runway 6.9 months</p>"
    (site / "2025-03" / "cfo.html").write_text(corrected, encoding="utf-8")
    logged: list[str] = []
    result = archive.publish(site, log=logged.append)

    assert result.uploaded == ["2025-03/cfo.html"]
    assert len(result.unchanged) == len(SITE) - 1
    assert gate.puts() == [
        f"/{BUCKET}/{PREFIX}/2025-03/cfo.html",
        f"/{BUCKET}/{PREFIX}/_archive-manifest.json",
    ]
    assert result.invalidated_paths == [f"/{PREFIX}/2025-03/cfo.html"]
    assert invalidations(moto_server.url, cloudfront_id)[-1] == [f"/{PREFIX}/2025-03/cfo.html"]
    assert len(invalidations(moto_server.url, cloudfront_id)) == 2
    assert s3.get_object(Bucket=BUCKET, Key=f"{PREFIX}/2025-03/cfo.html")["Body"].read() == (
        corrected.encode()
    )
    assert any("1 new or changed" in line for line in logged)
    assert any(result.invalidation_id in line for line in logged if result.invalidation_id)


def test_an_object_deleted_by_hand_goes_up_again_and_a_page_gone_from_the_site_is_kept(
    tmp_path, s3, gate
):
    site = write_site(tmp_path / "site")
    archive = publisher(gate)
    archive.publish(site, log=lambda _: None)
    s3.delete_object(Bucket=BUCKET, Key=f"{PREFIX}/trends/shop.html")
    (site / "2025-03" / "cfo.edition-2.html").unlink()
    gate.forget()

    result = archive.publish(site, log=lambda _: None)

    assert result.uploaded == ["trends/shop.html"]
    assert result.stale == ["2025-03/cfo.edition-2.html"]
    # kept: emails already out may link to it, and the archive is the record
    s3.head_object(Bucket=BUCKET, Key=f"{PREFIX}/2025-03/cfo.edition-2.html")


def test_a_publish_that_fails_names_the_bucket_the_key_and_what_to_check(tmp_path, s3, gate):
    site = write_site(tmp_path / "site")
    with pytest.raises(PublishError) as caught:
        publisher(gate, bucket="no-such-archive-bucket").publish(site, log=lambda _: None)
    message = str(caught.value)
    assert "s3://no-such-archive-bucket/acme/archive/" in message
    assert "NoSuchBucket" in message and "s3:PutObject" in message
    assert SECRET_KEY not in message

    with pytest.raises(PublishError, match="site folder does not exist"):
        publisher(gate).publish(tmp_path / "never-built", log=lambda _: None)


def test_link_expiry_beyond_sigv4s_seven_days_is_refused_with_a_clear_error(tmp_path):
    for days, ok in ((0, False), (1, True), (7, True), (8, False)):
        path = write_portfolio(
            tmp_path / str(days),
            {},
            entities=[{"id": "shop", "name": "Shop", "kind": "charter"}],
            archive={"publish": "s3", "s3": {"bucket": BUCKET}, "link_expiry_days": days},
        )
        if ok:
            assert load_config(path).archive.link_expiry_days == days
            continue
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert "archive.link_expiry_days" in str(caught.value)
        assert "1 to 7 days" in str(caught.value) and "SigV4" in str(caught.value)
    path = write_portfolio(
        tmp_path / "no-bucket",
        {},
        entities=[{"id": "shop", "name": "Shop", "kind": "charter"}],
        archive={"publish": "s3"},
    )
    with pytest.raises(ConfigError, match="archive.s3: required when publish is s3"):
        load_config(path)
    default = load_config(path.parent.parent / "1" / "reporting.yaml")
    assert default.archive_site_path == (tmp_path / "1" / "state" / "archive" / "site").resolve()


# -- links from emails -----------------------------------------------------------------------------

LEDGER = (
    "txn_id,date,account_code,amount,description,counterparty\n"
    "S1,2025-01-03,3000,5000.00,Owner contribution,Owner\n"
    "S2,2025-01-05,4000,1200.00,Sales,Customers\n"
    "S3,2025-02-05,4000,900.00,Sales,Customers\n"
    "S4,2025-02-06,6000,-800.00,Rent,Landlord\n"
    "S5,2025-03-05,4000,1400.00,Sales,Customers\n"
    "S6,2025-03-06,6000,-800.00,Rent,Landlord\n"
)


class FirstSendUnanswered:
    """The outbox, except that the first send gets no answer (OutcomeUnknown): the message stays
    in the ledger as unknown for the operator to resend. Keeps the bytes of every attempt."""

    name = "outbox"

    def __init__(self, outbox: OutboxTransport) -> None:
        self.outbox = outbox
        self.attempts: list[bytes] = []

    def preflight(self, sender: str):
        return self.outbox.preflight(sender)

    def send(self, raw: bytes, sender: str, to: list[str], bcc: list[str], meta: dict) -> str:
        self.attempts.append(raw)
        if len(self.attempts) == 1:
            raise OutcomeUnknown("no answer in 30 s")
        return self.outbox.send(raw, sender, to, bcc, meta)


def parts_of(raw: bytes) -> tuple[str, str]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


def test_an_email_links_to_its_published_page_and_a_resend_is_the_same_bytes(tmp_path, s3, gate):
    config_path = write_portfolio(
        tmp_path,
        {"shop/ledger.csv": LEDGER},
        entities=[{"id": "shop", "name": "The Shop", "kind": "charter", "opening_cash": 0}],
        closed_months=[MONTH],
        archive={
            "publish": "s3",
            "s3": {"bucket": BUCKET, "prefix": PREFIX, "endpoint_url": gate.url},
        },
    )
    config = load_config(config_path)
    conn = load_warehouse(config_path)
    _, rendered = build_report(conn, config_path, "cfo", MONTH)
    rendered.write(config.reports_path / MONTH)
    # the site as archive/site builds it: the report's page and the glossary
    site = write_site(
        config.archive_site_path,
        {
            f"{MONTH}/cfo.html": rendered.html,
            "glossary.html": SITE["glossary.html"],
            "index.html": SITE["index.html"],
        },
    )
    archive = publisher(gate)
    archive.publish(site, log=lambda _: None)

    transport = FirstSendUnanswered(OutboxTransport(outbox_dir=str(config.outbox_path)))
    logged: list[str] = []
    first = deliver(conn, config, MONTH, ["cfo"], transport, log=logged.append, archive=archive)
    assert [o.status for o in first.outcomes] == ["unknown"]
    resent = resend_open(conn, config, transport, MONTH, log=logged.append)
    assert [o.status for o in resent.outcomes] == ["sent"]

    # the resend is the very message of the first attempt, links and all
    assert len(transport.attempts) == 2 and transport.attempts[0] == transport.attempts[1]
    sent = SendLedger(conn).messages((Status.SENT,), MONTH)
    assert [m.raw for m in sent] == [transport.attempts[0]]
    eml = config.outbox_path / MONTH / "cfo" / "cfo@example.com.eml"
    assert eml.read_bytes() == transport.attempts[0]
    # the logs never show a link (a presigned URL is a key to the page while it lasts)
    assert not any("X-Amz-Signature" in line for line in logged)

    text, html = parts_of(transport.attempts[0])
    page_links = re.findall(r'<a href="([^"]+)"[^>]*>Read this report in the archive</a>', html)
    assert len(page_links) == 1
    page_url = page_links[0].replace("&amp;", "&")
    assert f"/{BUCKET}/{PREFIX}/{MONTH}/cfo.html?" in page_url
    assert page_url in text and "Read this report in the archive" in text
    status, body, _ = fetch(page_url)
    assert (status, body) == (200, rendered.html.encode())

    # the Definitions are a link to the glossary's page, in both parts
    assert "<dl" not in html and "<h2" in html and "Definitions</h2>" in html
    glossary_links = re.findall(r'<a href="([^"]+)"[^>]*>the glossary in the archive</a>', html)
    assert len(glossary_links) == 1
    glossary_url = glossary_links[0].replace("&amp;", "&")
    assert fetch(glossary_url)[:2] == (200, SITE["glossary.html"].encode())
    definitions = text.split("\nDEFINITIONS\n", 1)[1]
    assert glossary_url in definitions
    body = definitions.split("\n", 1)[1].strip()  # under the heading's rule
    assert body.startswith("What each figure means: the glossary in the archive")
    assert body.splitlines()[-1] == glossary_url
    assert all(len(line) <= 78 for line in body.splitlines()[:-1])
    # not one term of the report's full definitions is left in the message
    rendered_text = rendered.text.replace("\r\n", "\n")
    terms = rendered_text.split("\nDEFINITIONS\n", 1)[1].split("\n")[1:]
    first_term = next(line for line in terms if ": " in line)
    assert first_term in rendered_text and first_term not in text
    # the report as rendered had them in full
    assert "<dl" in rendered.html


def test_without_a_published_page_or_with_the_local_archive_the_email_is_unchanged(
    tmp_path, s3, gate
):
    config_path = write_portfolio(
        tmp_path,
        {"shop/ledger.csv": LEDGER},
        entities=[{"id": "shop", "name": "The Shop", "kind": "charter", "opening_cash": 0}],
        closed_months=[MONTH],
    )
    config = load_config(config_path)
    assert config.archive.publish == "local"
    conn = load_warehouse(config_path)
    _, rendered = build_report(conn, config_path, "cfo", MONTH)
    rendered.write(config.reports_path / MONTH)
    report = ReportFiles.read(config.reports_path / MONTH, "cfo")

    local = LocalArchive(site_dir=str(config.archive_site_path))
    assert email_links(local, MONTH, "cfo") is None
    assert local.link(f"{MONTH}/cfo.html").startswith("file://")
    # an S3 archive the page was never published to: no link that would not open
    archive = publisher(gate)
    write_site(tmp_path / "other-site", {"index.html": SITE["index.html"]})
    archive.publish(tmp_path / "other-site", log=lambda _: None)
    assert email_links(archive, MONTH, "cfo") is None

    parts = report.parts()
    assert "<dl" in parts.html and "Read this report in the archive" not in parts.html
    assert "the glossary in the archive" not in parts.html + parts.text
    assert "Read this report in the archive" not in parts.text


def test_when_s3_will_not_say_whether_the_page_is_there_the_email_goes_without_a_link(
    tmp_path, s3, gate
):
    """A publisher whose credentials may not read the bucket (HeadObject refused): the report
    still goes out, complete (its Definitions in full), and the log says why it has no link."""
    config_path = write_portfolio(
        tmp_path,
        {"shop/ledger.csv": LEDGER},
        entities=[{"id": "shop", "name": "The Shop", "kind": "charter", "opening_cash": 0}],
        closed_months=[MONTH],
    )
    config = load_config(config_path)
    conn = load_warehouse(config_path)
    _, rendered = build_report(conn, config_path, "cfo", MONTH)
    rendered.write(config.reports_path / MONTH)
    s3.put_bucket_policy(
        Bucket=BUCKET,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": f"arn:aws:s3:::{BUCKET}/*",
                    }
                ],
            }
        ),
    )
    transport = OutboxTransport(outbox_dir=str(config.outbox_path))
    logged: list[str] = []
    result = deliver(
        conn, config, MONTH, ["cfo"], transport, log=logged.append, archive=publisher(gate)
    )

    assert [o.status for o in result.outcomes] == ["sent"]
    text, html = parts_of((config.outbox_path / MONTH / "cfo" / "cfo@example.com.eml").read_bytes())
    assert "Read this report in the archive" not in text and "<dl" in html
    reasons = [line for line in logged if line.startswith(f"no link to {MONTH}/cfo.html")]
    assert len(reasons) == 1 and f"s3://{BUCKET}/{PREFIX}/{MONTH}/cfo.html" in reasons[0]


def test_the_oversized_email_note_links_to_the_reports_page(tmp_path, s3, gate):
    config_path = write_portfolio(
        tmp_path,
        {"shop/ledger.csv": LEDGER},
        entities=[{"id": "shop", "name": "The Shop", "kind": "charter", "opening_cash": 0}],
        closed_months=[MONTH],
        cfo={
            "capital_candidates": [
                {"name": "New boat", "cost": 1000, "monthly_return": 100, "entity": "shop"}
            ]
        },
    )
    config = load_config(config_path)
    conn = load_warehouse(config_path)
    _, rendered = build_report(conn, config_path, "cfo", MONTH)
    rendered.write(config.reports_path / MONTH)
    report = ReportFiles.read(config.reports_path / MONTH, "cfo")
    site = write_site(tmp_path / "site", {f"{MONTH}/cfo.html": rendered.html})
    archive = publisher(gate)
    archive.publish(site, log=lambda _: None)
    links = email_links(archive, MONTH, "cfo")
    assert links is not None

    full, _ = build_raw(report, config, "cfo@example.com", None, links)
    assert report.parts(links=links).attachments, "the CFO report attaches its tables"
    # under the full message by more than its Date and Message-ID may vary, over the lean one
    limit = len(full) - 100
    smaller = config.model_copy(
        update={"delivery": config.delivery.model_copy(update={"max_message_bytes": limit})}
    )
    lean, _ = build_raw(report, smaller, "cfo@example.com", None, links)
    assert len(lean) <= limit

    text, html = parts_of(lean)
    assert text.startswith("The attachments (")
    note = text.split("\n\n", 1)[0]
    assert "page in the archive" in note and links.page.url in note
    assert f'href="{links.page.url.replace("&", "&amp;")}"' in html.split("</p>", 1)[0]
    assert fetch(links.page.url)[0] == 200


# -- through Dagster -------------------------------------------------------------------------------


def test_a_monthly_run_publishes_the_archive_before_its_emails_link_to_it(tmp_path, s3, gate):
    """The monthly job on a real instance: archive/published uploads the site, and
    delivery/emails, which runs after it, links each message to its published page."""
    import dagster as dg

    from exec_reporting.definitions import MONTHLY_JOB, build_definitions

    config_path = write_portfolio(
        tmp_path,
        {"shop/ledger.csv": LEDGER},
        entities=[{"id": "shop", "name": "The Shop", "kind": "charter", "opening_cash": 0}],
        closed_months=[MONTH],
        archive={
            "publish": "s3",
            "s3": {"bucket": BUCKET, "prefix": PREFIX, "endpoint_url": gate.url},
        },
    )
    config = load_config(config_path)
    # what archive/site leaves in the folder (the site asset writes it in the run itself)
    site = config.archive_site_path
    write_site(site, {f"{MONTH}/cfo.html": SITE[f"{MONTH}/cfo.html"], "glossary.html": "<p>"})
    job = build_definitions(config).resolve_job_def(MONTHLY_JOB)
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, partition_key=MONTH)
        published = instance.get_latest_materialization_event(dg.AssetKey(["archive", "published"]))
    assert result.success
    steps = [
        (event.event_type_value, event.step_key)
        for event in result.all_events
        if event.event_type_value in ("STEP_SUCCESS", "STEP_START")
    ]
    assert steps.index(("STEP_SUCCESS", "archive__published")) < steps.index(
        ("STEP_START", "delivery__emails")
    )
    assert published is not None
    metadata = published.asset_materialization.metadata  # type: ignore[union-attr]
    assert metadata["uploaded"].value == len(list(p for p in site.rglob("*") if p.is_file()))
    assert metadata["where"].value == f"s3://{BUCKET}/{PREFIX}/"

    eml = config.outbox_path / MONTH / "cfo" / "cfo@example.com.eml"
    text, html = parts_of(eml.read_bytes())
    page_url = re.findall(r'<a href="([^"]+)"[^>]*>Read this report in the archive</a>', html)[0]
    page_url = page_url.replace("&amp;", "&")
    assert page_url in text
    assert fetch(page_url)[:2] == (200, (site / MONTH / "cfo.html").read_bytes())
