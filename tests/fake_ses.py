"""Stand-ins for Amazon SES on 127.0.0.1, for the delivery tests.

- `MotoSes`: moto's server (`ThreadedMotoServer`) on a free port, with what a test reads back:
  the raw messages it took (`messages()`, `per_recipient()`), `reset()` and `verify()`.
- `FakeSes`: a small HTTP server that answers SES v1's pre-flight calls the way moto does
  (GetIdentityVerificationAttributes, GetSendQuota: query protocol, XML) and SES v2's SendEmail
  (POST /v2/email/outbound-emails, REST-JSON) as the test scripts it: success, throttling, or a
  stall that outlasts the client's read timeout. It records every SendEmail it was sent.
- `HoldingProxy`: forwards everything to another endpoint (moto), except that it holds one
  SendEmail (the n-th) without forwarding it, so a test can kill the sender while that send is
  in flight, at a known point.

Each server runs in a daemon thread; use them as context managers (or call `stop()`).
"""

from __future__ import annotations

import base64
import email
import email.policy
import email.utils
import http.client
import json
import threading
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SEND_PATH = "/v2/email/outbound-emails"
SES_XMLNS = "http://ses.amazonaws.com/doc/2010-12-01/"
REGION = "us-east-1"


def fake_aws_environment() -> dict[str, str]:
    """Credentials for local stand-ins only, never real ones."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }


def addresses(values: list[str]) -> set[str]:
    """Bare addresses, without duplicates ("Name <a@b>" -> "a@b")."""
    return {address.lower() for _, address in email.utils.getaddresses(values) if address}


# -- moto's server -----------------------------------------------------------------------------


class MotoSes:
    """moto's server mode over HTTP on 127.0.0.1 (a free port)."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.url = ""

    def start(self) -> MotoSes:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> MotoSes:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget every message and identity."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()

    def verify(self, identity: str) -> None:
        """Mark an address (or a domain) verified, as `aws ses verify-email-identity` does."""
        import boto3

        client = boto3.client(
            "ses",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        if "@" in identity:
            client.verify_email_identity(EmailAddress=identity)
        else:
            client.verify_domain_identity(Domain=identity)

    def messages(self) -> list[dict[str, Any]]:
        """The raw sends moto took, oldest first: {id, source, destinations, raw_data}."""
        with urllib.request.urlopen(f"{self.url}/moto-api/data.json", timeout=30) as answer:
            data = json.loads(answer.read())
        return data.get("ses", {}).get("RawMessage", [])

    def per_recipient(self, messages: list[dict[str, Any]] | None = None) -> Counter[str]:
        """How many messages each address received. moto appends the header addresses to the
        destinations it was given, so each message's destinations are deduplicated first."""
        counts: Counter[str] = Counter()
        for message in self.messages() if messages is None else messages:
            counts.update(addresses(message["destinations"]))
        return counts


def parse(raw: str | bytes) -> email.message.EmailMessage:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    return email.message_from_bytes(raw, policy=email.policy.default)


# -- a scripted SES endpoint -------------------------------------------------------------------


@dataclass
class Send:
    """One SendEmail request as the fake server received it, and what it answered."""

    sender: str
    to: list[str]
    bcc: list[str]
    raw: bytes
    outcome: str  # ok, throttle, throttle-400, stall
    message_id: str | None = None

    @property
    def message(self) -> email.message.EmailMessage:
        return parse(self.raw)


def _identity_xml(identities: list[str], verified: set[str]) -> str:
    entries = "".join(
        f"<entry><key>{identity}</key><value><VerificationStatus>Success</VerificationStatus>"
        "<VerificationToken>dGVzdGluZw==</VerificationToken></value></entry>"
        for identity in identities
        if identity in verified
    )
    return (
        f'<GetIdentityVerificationAttributesResponse xmlns="{SES_XMLNS}">'
        "<GetIdentityVerificationAttributesResult><VerificationAttributes>"
        f"{entries}</VerificationAttributes></GetIdentityVerificationAttributesResult>"
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        "</GetIdentityVerificationAttributesResponse>"
    )


def _quota_xml(max_24h: float, rate: float, sent: float) -> str:
    return (
        f'<GetSendQuotaResponse xmlns="{SES_XMLNS}"><GetSendQuotaResult>'
        f"<Max24HourSend>{max_24h:.1f}</Max24HourSend><MaxSendRate>{rate:.1f}</MaxSendRate>"
        f"<SentLast24Hours>{sent:.1f}</SentLast24Hours></GetSendQuotaResult>"
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        "</GetSendQuotaResponse>"
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Background:
    """An HTTP server on 127.0.0.1 (a free port) in a daemon thread."""

    handler: type[BaseHTTPRequestHandler]

    def __init__(self) -> None:
        self._release = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self):
        owner = self

        class Handler(self.handler):  # type: ignore[name-defined,misc]
            server_owner = owner

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def release(self) -> None:
        """Let every held or stalled request end (its connection is closed without an answer)."""
        self._release.set()

    def stop(self) -> None:
        self.release()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    server_owner: Any
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def answer(self, status: int, body: bytes, content_type: str, headers=None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def hang_up(self) -> None:
        """Close the connection without an answer."""
        self.close_connection = True


class _FakeSesHandler(_Handler):
    def do_POST(self) -> None:
        fake: FakeSes = self.server_owner
        body = self.body()
        path = urllib.parse.urlsplit(self.path).path
        if path == SEND_PATH:
            self.send_email(fake, json.loads(body))
            return
        form = urllib.parse.parse_qs(body.decode("utf-8"))
        action = form.get("Action", [""])[0]
        with fake.lock:
            fake.actions.append(action)
        if action == "GetIdentityVerificationAttributes":
            identities = [v[0] for k, v in sorted(form.items()) if k.startswith("Identities.")]
            xml = _identity_xml(identities, fake.verified)
        elif action == "GetSendQuota":
            xml = _quota_xml(50_000, fake.max_send_rate, len(fake.delivered))
        else:
            self.answer(400, b"unknown action", "text/plain")
            return
        self.answer(200, xml.encode("utf-8"), "text/xml")

    def send_email(self, fake: FakeSes, request: dict[str, Any]) -> None:
        with fake.lock:
            outcome = fake.script[min(len(fake.sends), len(fake.script) - 1)]
            send = Send(
                sender=request.get("FromEmailAddress", ""),
                to=list(request.get("Destination", {}).get("ToAddresses", [])),
                bcc=list(request.get("Destination", {}).get("BccAddresses", [])),
                raw=base64.b64decode(request["Content"]["Raw"]["Data"]),
                outcome=outcome,
            )
            fake.sends.append(send)
        if outcome == "stall":
            # longer than any read timeout the test sets; the connection then closes unanswered
            fake._release.wait(timeout=fake.stall_seconds)
            self.hang_up()
            return
        if outcome in ("throttle", "throttle-400"):
            self.answer(
                429 if outcome == "throttle" else 400,
                json.dumps({"message": "Maximum sending rate exceeded."}).encode(),
                "application/json",
                {"x-amzn-ErrorType": "TooManyRequestsException"},
            )
            return
        send.message_id = f"fake-{uuid.uuid4()}"
        self.answer(200, json.dumps({"MessageId": send.message_id}).encode(), "application/json")


class FakeSes(_Background):
    """An SES endpoint whose SendEmail answers follow `script`, one entry per request (the last
    entry repeats): "ok", "throttle" (HTTP 429 TooManyRequestsException), "throttle-400" (the
    same error with HTTP 400), or "stall" (no answer for `stall_seconds`, then the connection is
    closed: the message was not taken)."""

    handler = _FakeSesHandler

    def __init__(
        self,
        script: list[str],
        verified: tuple[str, ...] = ("reports@example.com",),
        max_send_rate: float = 14.0,
        stall_seconds: float = 30.0,
    ) -> None:
        super().__init__()
        assert script and set(script) <= {"ok", "throttle", "throttle-400", "stall"}, script
        self.script = list(script)
        self.verified = set(verified)
        self.max_send_rate = max_send_rate
        self.stall_seconds = stall_seconds
        self.lock = threading.Lock()
        self.sends: list[Send] = []
        self.actions: list[str] = []  # the SES v1 actions asked for (the pre-flight)

    @property
    def delivered(self) -> list[Send]:
        return [s for s in self.sends if s.message_id is not None]


# -- a proxy that holds one send ---------------------------------------------------------------


class _ProxyHandler(_Handler):
    def do_POST(self) -> None:
        self.forward("POST")

    def do_GET(self) -> None:
        self.forward("GET")

    def forward(self, method: str) -> None:
        proxy: HoldingProxy = self.server_owner
        body = self.body()
        if urllib.parse.urlsplit(self.path).path == SEND_PATH:
            with proxy.lock:
                proxy.send_count += 1
                hold = proxy.send_count == proxy.hold_send
            if hold:
                proxy.held.set()
                proxy._release.wait(timeout=120)
                self.hang_up()  # never forwarded: the message was not sent
                return
        target = urllib.parse.urlsplit(proxy.target)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
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
            self.wfile.write(payload)
        finally:
            connection.close()


class HoldingProxy(_Background):
    """Forwards every request to `target`, but holds the `hold_send`-th SendEmail: `held` is set
    when it arrives, and it is never forwarded (after `release()` its connection is closed)."""

    handler = _ProxyHandler

    def __init__(self, target: str, hold_send: int) -> None:
        super().__init__()
        self.target = target
        self.hold_send = hold_send
        self.lock = threading.Lock()
        self.send_count = 0
        self.held = threading.Event()
