"""SMTP delivery against a real aiosmtpd server on 127.0.0.1 that requires STARTTLS and a login.

The server's certificate is self-signed, made in the test, and given to the transport as
delivery.smtp.ca_file, so certificate and host name verification stay on. The login comes from
SMTP_USERNAME and SMTP_PASSWORD. A monthly run goes through the `exec-reporting` CLI, as a user
runs it.
"""

from __future__ import annotations

import base64
import datetime
import email
import email.policy
import ipaddress
import os
import secrets
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import write_portfolio
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from exec_reporting.config import ReportingConfig, load_config
from exec_reporting.definitions import MONTHLY_JOB, build_definitions, build_mailer
from exec_reporting.delivery import NotSent, PreflightError, Refused, deliver
from exec_reporting.resources.mail import SmtpTransport
from exec_reporting.warehouse import connect

# the slow tier: processes of their own, or whole packs through the commands on a persistent
# instance (make check leaves it out; make test runs it)
pytestmark = pytest.mark.process

BIN = Path(sys.executable).parent
USERNAME = "reports-relay"
# Unique per test session, so finding it anywhere cannot be a coincidence.
PASSWORD = f"pw-{secrets.token_urlsafe(12)}"
SENDER = "reports@example.com"
ARCHIVE = "archive@example.com"
MONTH = "2025-03"
ALLOWED_CTE = {"7bit", "quoted-printable", "base64"}

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
FILES = {
    "shop/ledger.csv": LEDGER
    + "S1,2025-01-03,3000,5000.00,Owner contribution,Owner\n"
    + "S2,2025-01-05,4000,1200.00,Sales,Customers\n"
    + "S3,2025-01-06,6000,-800.00,Rent,Landlord\n"
    + "S4,2025-02-05,4000,900.00,Sales,Customers\n"
    + "S5,2025-02-06,6000,-800.00,Rent,Landlord\n"
    + "S6,2025-03-05,4000,400.00,Sales,Customers\n"
    + "S7,2025-03-06,6000,-800.00,Rent,Landlord\n",
    "cafe/ledger.csv": LEDGER
    + "C1,2025-02-01,4000,3000.00,Sales,Guests\n"
    + "C2,2025-02-02,5000,-1000.00,Food,Market\n"
    + "C3,2025-03-01,4000,2500.00,Sales,Guests\n"
    + "C4,2025-03-02,5000,-900.00,Food,Market\n",
}
ENTITIES = [
    {"id": "shop", "name": "The Shop", "kind": "hauling", "opening_cash": 1000},
    # non-ASCII in names: the messages must still be 7-bit
    {"id": "cafe", "name": "Café Zoë", "kind": "charter", "opening_cash": 0},
]
RECIPIENTS = {
    ("cfo", "cfo@example.com"),
    ("cfo", "partner@example.com"),
    ("ceo", "ceo@example.com"),
}


# -- a local SMTP server -----------------------------------------------------------------------


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (IP subject alternative name) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class LocalController(Controller):
    """aiosmtpd 1.4.6's Controller cannot start on port 0 as it is (it checks that the server is
    up by connecting to the port it was given, 0): take the port the OS chose first."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    tls: bool  # the message came over TLS
    login: bytes | None  # who had logged in


@dataclass
class Server:
    port: int
    messages: list[Received] = field(default_factory=list)
    # every login attempt: (user, password accepted, over TLS)
    logins: list[tuple[bytes, bool, bool]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content,
                session.ssl is not None,
                session.auth_data.login if session.authenticated else None,
            )
        )
        return "250 2.0.0 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == USERNAME.encode()
            and auth_data.password == PASSWORD.encode()
        )
        login = auth_data.login if isinstance(auth_data, LoginPassword) else b""
        self.logins.append((login, ok, session.ssl is not None))
        # handled=False: aiosmtpd answers 535 itself (with the default, a refused login gets no
        # answer at all and the client waits for its timeout)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@contextmanager
def smtp_server(cert: tuple[Path, Path] | None, **options) -> Iterator[Server]:
    """An aiosmtpd server on 127.0.0.1. With `cert`: STARTTLS offered and required, and a login
    required (after TLS: aiosmtpd's auth_require_tls default)."""
    server = Server(port=0)
    if cert is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*cert)
        options = {"tls_context": context, "require_starttls": True, **options}
    options.setdefault("auth_required", True)
    controller = LocalController(
        server, hostname="127.0.0.1", port=0, authenticator=server.authenticate, **options
    )
    controller.start()
    server.port = controller.port
    try:
        yield server
    finally:
        controller.stop()


# -- helpers -----------------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "EXEC_REPORTING_CONFIG")
    }
    return subprocess.run(
        [str(BIN / "exec-reporting"), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def header_block(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def assert_seven_bit(raw: bytes) -> email.message.EmailMessage:
    """The message is 7-bit clean and every part uses a 7-bit transfer encoding."""
    assert max(raw) < 0x80, "8-bit bytes in the message"
    assert all(len(line) <= 998 for line in raw.split(b"\r\n")), "a line over 998 octets"
    message = email.message_from_bytes(raw, policy=email.policy.default)
    encodings = {
        str(part.get("Content-Transfer-Encoding", "7bit")).lower() for part in message.walk()
    }
    assert encodings <= ALLOWED_CTE, encodings
    return message


def strings_in_warehouse(config: ReportingConfig) -> str:
    """Every value of every table of the DuckDB files (the warehouse and the send ledger), as
    text."""
    found = []
    with connect(config.warehouse_path, config.send_ledger_path, read_only=True) as conn:
        tables = conn.execute(
            "select table_catalog, table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE'"
        ).fetchall()
        for catalog, schema, table in tables:
            relation = f'"{catalog}"."{schema}"."{table}"'
            for row in conn.execute(f"select * from {relation}").fetchall():
                for value in row:
                    found.append(
                        value.decode("latin-1") if isinstance(value, bytes) else repr(value)
                    )
    assert tables
    return "\n".join(found)


def smtp_settings(server: Server, cert_path: Path | None, **overrides) -> dict:
    return {
        "host": "127.0.0.1",
        "port": server.port,
        "security": "starttls",
        "ca_file": str(cert_path) if cert_path else None,
        "timeout": 10,
        **overrides,
    }


# -- the monthly run through the CLI, once for this file ----------------------------------------


@dataclass
class MonthlyRun:
    root: Path
    config_path: Path
    server: Server
    cert_path: Path
    done: subprocess.CompletedProcess
    messages: list[Received]  # what the run sent
    logins: list[tuple[bytes, bool, bool]]  # the run's logins


@pytest.fixture(scope="module")
def monthly_run(tmp_path_factory) -> Iterator[MonthlyRun]:
    root = tmp_path_factory.mktemp("smtp-run")
    cert = make_certificate(root)
    with smtp_server(cert) as server:
        config_path = write_portfolio(
            root,
            FILES,
            ENTITIES,
            organization="Søren & Zoë Holdings",
            # the organization in the subjects: a name beyond ASCII in a header
            several_portfolios=True,
            personas={
                "cfo": {"to": ["cfo@example.com", "partner@example.com"]},
                "ceo": {"to": ["ceo@example.com"]},
            },
            delivery={
                "transport": "smtp",
                "sender": SENDER,
                "bcc": [ARCHIVE],
                # SMTP defaults to 1 message a second: not worth waiting for here
                "max_send_rate": 100,
                "smtp": smtp_settings(server, cert[0]),
            },
            closed_months=[MONTH],
        )
        with pytest.MonkeyPatch.context() as env:
            env.setenv("SMTP_USERNAME", USERNAME)
            env.setenv("SMTP_PASSWORD", PASSWORD)
            done = run_cli("--config", str(config_path), "run", "--month", MONTH, cwd=root)
        assert done.returncode == 0, done.stdout + done.stderr
        yield MonthlyRun(
            root, config_path, server, cert[0], done, list(server.messages), list(server.logins)
        )


def test_a_monthly_run_sends_one_message_per_recipient_with_the_archive_only_in_the_envelope(
    monthly_run,
):
    messages = monthly_run.messages
    assert len(messages) == len(RECIPIENTS)
    seen = set()
    for received in messages:
        message = email.message_from_bytes(received.raw, policy=email.policy.default)
        recipient = str(message["To"])
        # one recipient a message, the archive in RCPT TO only
        assert received.rcpt_tos == [recipient, ARCHIVE]
        assert received.mail_from == SENDER
        assert str(message["From"]) == SENDER
        assert message["Bcc"] is None and message["Cc"] is None
        assert ARCHIVE.encode() not in header_block(received.raw)
        # over TLS, logged in with the user name from $SMTP_USERNAME
        assert received.tls and received.login == USERNAME.encode()
        subject = str(message["Subject"])
        report = "cfo" if subject.startswith("Executive Report: CFO - ") else "ceo"
        assert " - Søren & Zoë Holdings - Mar 2025 - " in subject
        seen.add((report, recipient))
    assert seen == RECIPIENTS
    # the pre-flight's and each send's login: over TLS, and accepted
    assert monthly_run.logins
    assert set(monthly_run.logins) == {(USERNAME.encode(), True, True)}

    # the send ledger agrees: each message sent once, the archive in its envelope
    config = load_config(monthly_run.config_path)
    with connect(config.warehouse_path, config.send_ledger_path, read_only=True) as conn:
        ledger = conn.execute(
            "select report, recipient, status, envelope, attempts from delivery.messages"
        ).fetchall()
    assert sorted(ledger) == sorted(
        (report, recipient, "sent", [recipient, ARCHIVE], 1) for report, recipient in RECIPIENTS
    )
    assert "delivery__emails" in monthly_run.done.stderr


def test_the_messages_are_multipart_alternative_and_use_7bit_transfer_encodings_only(
    monthly_run,
):
    for received in monthly_run.messages:
        message = assert_seven_bit(received.raw)
        alternatives = [
            p for p in message.walk() if p.get_content_type() == "multipart/alternative"
        ]
        assert len(alternatives) == 1
        plain, rich = alternatives[0].iter_parts()
        assert plain.get_content_type() == "text/plain"
        # the HTML, with its charts as related parts
        assert rich.get_content_type() in ("text/html", "multipart/related")
        html = message.get_body(("html",))
        assert html is not None and html.get_content_type() == "text/html"
        # the non-ASCII names survive the 7-bit encodings
        assert "Café Zoë" in plain.get_content()
        assert "Café Zoë" in html.get_content()


def test_the_password_is_never_in_the_output_the_logs_or_the_warehouse(monthly_run):
    plain = base64.b64encode(f"\0{USERNAME}\0{PASSWORD}".encode()).decode()
    done = monthly_run.done
    for secret in (PASSWORD, plain):
        assert secret not in done.stdout + done.stderr
    # every file the run left: the warehouse, the Dagster instance (run storage, event logs,
    # compute logs), the reports and the configuration
    files = [p for p in monthly_run.root.rglob("*") if p.is_file()]
    assert any(p.name == "warehouse.duckdb" for p in files)
    assert any(p.name == "send-ledger.duckdb" for p in files)
    assert any("dagster" in p.parts for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in (PASSWORD, plain):
            assert secret.encode() not in data, path
    # and in no value of any table (DuckDB compresses strings on disk)
    config = load_config(monthly_run.config_path)
    values = strings_in_warehouse(config)
    assert "cfo@example.com" in values  # the scan does read the ledger
    assert PASSWORD not in values and plain not in values


def test_send_test_sends_one_report_to_one_address(monthly_run, monkeypatch):
    monkeypatch.setenv("SMTP_USERNAME", USERNAME)
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    server = monthly_run.server
    before = len(server.messages)
    done = run_cli(
        "--config", str(monthly_run.config_path), "send-test", "--to", "you@example.com",
        cwd=monthly_run.root,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "-> you@example.com through smtp: sent" in done.stdout
    new = server.messages[before:]
    assert len(new) == 1
    received = new[0]
    # only that address: no archive copy of a test send
    assert received.rcpt_tos == ["you@example.com"]
    assert received.tls and received.login == USERNAME.encode()
    message = assert_seven_bit(received.raw)
    assert str(message["To"]) == "you@example.com"
    assert str(message["Subject"]) == (
        "Executive Report: CFO - Søren & Zoë Holdings - Mar 2025 - cash $9.7K (+$1.2K), cash not "
        "falling"
    )
    assert PASSWORD not in done.stdout + done.stderr


def _failure_description(result) -> str:
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert [e.step_key for e in failures] == ["delivery__emails"]
    return failures[0].step_failure_data.user_failure_data.description


def test_a_wrong_password_fails_the_preflight_and_nothing_is_delivered(
    monthly_run, monkeypatch, tmp_path
):
    monkeypatch.setenv("SMTP_USERNAME", USERNAME)
    wrong = f"wrong-{secrets.token_urlsafe(8)}"
    monkeypatch.setenv("SMTP_PASSWORD", wrong)
    server = monthly_run.server
    before = len(server.messages)

    # the delivery step of a month nothing was sent for yet (a fresh send ledger), on the
    # month's rendered reports
    settings = yaml.safe_load(monthly_run.config_path.read_text(encoding="utf-8"))
    settings["warehouse"] = str(tmp_path / "fresh.duckdb")
    settings["send_ledger"] = str(tmp_path / "fresh-ledger.duckdb")
    fresh_path = monthly_run.root / "fresh.yaml"
    fresh_path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    config = load_config(fresh_path)
    job = build_definitions(config).resolve_job_def(MONTHLY_JOB)
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance,
            partition_key=MONTH,
            asset_selection=[dg.AssetKey(["delivery", "emails"])],
            raise_on_error=False,
        )
    assert not result.success
    reason = _failure_description(result)
    assert reason.startswith("pre-flight failed, nothing sent: ")
    assert f"127.0.0.1:{server.port} refused the login of $SMTP_USERNAME" in reason
    assert "check $SMTP_USERNAME and $SMTP_PASSWORD" in reason
    assert wrong not in reason and PASSWORD not in reason
    # the login was tried, over TLS, and refused; nothing reached the server
    assert server.logins[-1] == (USERNAME.encode(), False, True)
    assert len(server.messages) == before
    with connect(config.warehouse_path, config.send_ledger_path, read_only=True) as conn:
        assert conn.execute("select count(*) from delivery.messages").fetchone() == (0,)

    # the same words from `send-test`, which exits before sending
    done = run_cli(
        "--config", str(monthly_run.config_path), "send-test", "--to", "you@example.com",
        cwd=monthly_run.root,
    )  # fmt: skip
    assert done.returncode == 2
    assert "pre-flight failed, nothing sent" in done.stderr
    assert "check $SMTP_USERNAME and $SMTP_PASSWORD" in done.stderr
    assert wrong not in done.stdout + done.stderr
    assert len(server.messages) == before


# the second server takes a login without TLS on purpose: aiosmtpd warns about that
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_server_that_requires_starttls_never_gets_a_message_in_clear(monthly_run, monkeypatch):
    config = load_config(monthly_run.config_path)
    kinds = {"cfo": None}  # the month's CFO report, rendered by the run

    # a client configured for no TLS (and no login) against the STARTTLS server: the server
    # answers 530 to MAIL FROM; the message is recorded as refused, never as sent
    monkeypatch.delenv("SMTP_USERNAME", raising=False)
    monkeypatch.delenv("SMTP_PASSWORD", raising=False)
    server = monthly_run.server
    before = len(server.messages)
    clear = config.model_copy(
        update={
            "delivery": config.delivery.model_copy(
                update={"smtp": config.delivery.smtp.model_copy(update={"security": "none"})}
            )
        }
    )
    transport = build_mailer(clear)
    assert isinstance(transport, SmtpTransport) and transport.security == "none"
    with connect(":memory:", ":memory:") as conn:
        result = deliver(conn, clear, MONTH, kinds, transport, log=lambda _: None)
        statuses = conn.execute("select recipient, status, error from delivery.messages").fetchall()
    assert {o.status for o in result.outcomes} == {"failed"}
    assert len(statuses) == 2
    for _, status, error in statuses:
        assert status == "failed"
        assert "530 Must issue a STARTTLS command first" in error
    assert len(server.messages) == before
    # every message this server ever took came over TLS
    assert server.messages and all(m.tls for m in server.messages)

    # the other way round: a server that offers no STARTTLS (and would take a login and mail in
    # clear) is not used at all by a transport configured for starttls
    monkeypatch.setenv("SMTP_USERNAME", USERNAME)
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    with smtp_server(None, auth_require_tls=False) as plain:
        transport = SmtpTransport(**smtp_settings(plain, monthly_run.cert_path))
        with pytest.raises(PreflightError) as refused:
            transport.preflight(SENDER)
        assert "does not support STARTTLS" in str(refused.value)
        # nor does a month's delivery, nor a single send: both stop before anything is sent
        with connect(":memory:", ":memory:") as conn, pytest.raises(PreflightError):
            deliver(conn, config, MONTH, kinds, transport, log=lambda _: None)
        with pytest.raises(NotSent, match="STARTTLS"):
            transport.send(b"Subject: x\r\n\r\nx\r\n", SENDER, ["cfo@example.com"], [], {})
        assert plain.logins == []  # the password never went over the wire
        assert plain.messages == []


def test_a_login_is_never_sent_without_tls(monkeypatch):
    # security: none against a server that would take a login in clear: the transport refuses
    # before the login leaves, and says what to change
    monkeypatch.setenv("SMTP_USERNAME", USERNAME)
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    with smtp_server(None, auth_require_tls=False) as plain:
        transport = SmtpTransport(host="127.0.0.1", port=plain.port, security="none", timeout=5)
        with pytest.raises(PreflightError) as refused:
            transport.preflight(SENDER)
        assert "without TLS" in str(refused.value)
        assert PASSWORD not in str(refused.value)
        with pytest.raises(Refused, match="without TLS"):
            transport.send(b"Subject: x\r\n\r\nx\r\n", SENDER, ["cfo@example.com"], [], {})
        assert plain.logins == [] and plain.messages == []
