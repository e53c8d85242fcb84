"""Mail transports, chosen by `delivery.transport`: where a built message goes.

- `outbox` (the default): .eml files in a folder, plus an index.html of what was "sent";
- `smtp`: any SMTP server (SES's SMTP interface too), STARTTLS or implicit TLS, the login read
  from environment variables;
- `ses`: Amazon SES v2 (resources/ses.py, imported only when used: boto3 and dagster-aws take
  a while to import, and every run process would pay for it).

Each has `preflight(sender)` (can it send at all?) and `send(raw, sender, to, bcc, meta)`, and
raises the errors of exec_reporting.delivery so the send ledger knows whether anything may have
been sent.
"""

import contextlib
import html
import json
import os
import smtplib
import socket
import ssl
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, ClassVar

import dagster as dg
from pydantic import PrivateAttr

from exec_reporting.delivery import NotSent, OutcomeUnknown, Preflight, PreflightError, Refused


def message_id_of(raw: bytes) -> str:
    headers = message_from_bytes(raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n", policy=default_policy)
    return str(headers.get("Message-ID", ""))


class OutboxTransport(dg.ConfigurableResource):
    """Writes each message as <outbox_dir>/<YYYY-MM>/<report>/<recipient>.eml (a correction as
    <recipient>.edition-<n>.eml) and lists everything in <outbox_dir>/index.html."""

    name: ClassVar[str] = "outbox"
    outbox_dir: str

    def path_for(self, meta: dict[str, Any]) -> Path:
        edition = meta.get("edition", 1)
        suffix = "" if edition == 1 else f".edition-{edition}"
        return (
            Path(self.outbox_dir)
            / meta["period"]
            / meta["report"]
            / f"{meta['recipient']}{suffix}.eml"
        )

    def preflight(self, sender: str) -> Preflight:
        folder = Path(self.outbox_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PreflightError(f"cannot write the outbox {folder}: {error.strerror}") from None
        return Preflight(max_send_rate=None, note=f"writing to {folder}")

    def send(
        self, raw: bytes, sender: str, to: list[str], bcc: list[str], meta: dict[str, Any]
    ) -> str:
        path = self.path_for(meta)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(raw)
            os.replace(tmp, path)
        except OSError as error:
            raise Refused(f"cannot write {path}: {error.strerror}") from None
        message_id = message_id_of(raw)
        self._index(path, raw, sender, to, bcc, meta, message_id)
        return message_id

    def _index(self, path, raw, sender, to, bcc, meta, message_id) -> None:
        root = Path(self.outbox_dir)
        entries_path = root / "index.jsonl"
        headers = message_from_bytes(
            raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n", policy=default_policy
        )
        entry = {
            "period": meta["period"],
            "report": meta["report"],
            "edition": meta.get("edition", 1),
            "to": to,
            "bcc": bcc,
            "from": sender,
            "subject": str(headers.get("Subject", "")),
            "file": path.relative_to(root).as_posix(),
            "bytes": len(raw),
            "message_id": message_id,
        }
        with entries_path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
        entries = [
            json.loads(line) for line in entries_path.read_text(encoding="utf-8").splitlines()
        ]
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(value))}</td>"
                for value in (e["period"], e["report"], e["edition"], ", ".join(e["to"]))
            )
            + f"<td>{html.escape(', '.join(e['bcc']))}</td>"
            + f'<td><a href="{html.escape(e["file"])}">{html.escape(e["subject"])}</a></td>'
            + f"<td>{e['bytes']:,}</td></tr>"
            for e in reversed(entries)
        )
        page = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Outbox</title><style>"
            "body{font-family:Arial,sans-serif;font-size:13px}td,th{padding:4px 8px;"
            "border-bottom:1px solid #ddd;text-align:left}</style></head><body>"
            f'<h1>Outbox: {len(entries)} message(s) "sent"</h1>'
            "<p>Every message the outbox transport wrote, newest first. BCC addresses were in "
            "the envelope only, never in the message.</p><table><tr><th>Month</th><th>Report</th>"
            "<th>Edition</th><th>To</th><th>BCC (envelope)</th><th>Subject (open the .eml)</th>"
            f"<th>Bytes</th></tr>{rows}</table></body></html>"
        )
        tmp = root / "index.html.tmp"
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, root / "index.html")


class SmtpTransport(dg.ConfigurableResource):
    """Any SMTP server. The login comes from the environment variables named by username_env and
    password_env; it is never logged."""

    name: ClassVar[str] = "smtp"
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    username_env: str | None = "SMTP_USERNAME"
    password_env: str | None = "SMTP_PASSWORD"
    ca_file: str | None = None
    timeout: float = 30.0
    _tls: Any = PrivateAttr(default=None)

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context(cafile=self.ca_file)
        return self._tls

    def _login(self) -> tuple[str, str] | None:
        user = os.environ.get(self.username_env) if self.username_env else None
        if not user:
            return None
        password = os.environ.get(self.password_env or "", "")
        return user, password

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._context()
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            smtp.ehlo()
            if self.security == "starttls":
                smtp.starttls(context=self._context())
                smtp.ehlo()
        login = self._login()
        if login:
            if self.security == "none":
                smtp.close()
                raise PreflightError(
                    f"refusing to send the login of ${self.username_env} to {self.host}:"
                    f"{self.port} without TLS: set delivery.smtp.security to starttls or ssl, "
                    f"or unset ${self.username_env} for a relay that needs no login"
                )
            smtp.login(*login)
        return smtp

    def preflight(self, sender: str) -> Preflight:
        where = f"{self.host}:{self.port}"
        try:
            smtp = self._connect()
            smtp.quit()
        except PreflightError:
            raise
        except smtplib.SMTPAuthenticationError as error:
            raise PreflightError(
                f"the SMTP server {where} refused the login of ${self.username_env} "
                f"({error.smtp_code} {error.smtp_error.decode(errors='replace')}): check "
                f"${self.username_env} and ${self.password_env}"
            ) from None
        except smtplib.SMTPNotSupportedError as error:
            raise PreflightError(f"the SMTP server {where} does not support {error}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise PreflightError(
                f"cannot reach the SMTP server {where} ({self.security}): {error}; check "
                "delivery.smtp host, port and security"
            ) from None
        return Preflight(max_send_rate=1.0, note=f"SMTP {where}")

    def send(
        self, raw: bytes, sender: str, to: list[str], bcc: list[str], meta: dict[str, Any]
    ) -> str:
        try:
            smtp = self._connect()
        except PreflightError as error:
            raise Refused(str(error)) from None
        except (ConnectionRefusedError, smtplib.SMTPConnectError, socket.gaierror) as error:
            raise NotSent(f"cannot connect to {self.host}:{self.port}: {error}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise NotSent(
                f"connection to {self.host}:{self.port} failed before sending: {error}"
            ) from None
        try:
            refused = smtp.sendmail(sender, [*to, *bcc], raw)
        except smtplib.SMTPRecipientsRefused as error:
            codes = {code for code, _ in error.recipients.values()}
            if all(400 <= code < 500 for code in codes):
                raise NotSent(f"recipients deferred: {error.recipients}") from None
            raise Refused(f"recipients refused: {error.recipients}") from None
        except smtplib.SMTPResponseException as error:
            text = f"{error.smtp_code} {error.smtp_error.decode(errors='replace')}"
            if isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500:
                raise Refused(f"message refused: {text}") from None
            if isinstance(error, smtplib.SMTPDataError):
                # a 4xx after DATA: the server says it did not take it
                raise NotSent(f"message deferred: {text}") from None
            if 400 <= error.smtp_code < 500:
                raise NotSent(f"deferred: {text}") from None
            raise Refused(f"refused: {text}") from None
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as error:
            raise OutcomeUnknown(f"connection lost while sending: {error}") from None
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
        if to[0] in refused:
            raise Refused(f"recipient refused: {refused[to[0]]}")
        return message_id_of(raw)
