"""Delivery: exactly one email per report, month, recipient and content, whatever happens.

Each recipient gets a message of their own (To: that recipient), with the archive addresses only
in the envelope (BCC). Persona reports go to their persona's recipients; domain reports to their
configured recipients, else to the CEO and the CFO.

The send ledger (delivery.messages, sql/delivery/schema.sql) makes it exact:
- a row is written as `pending`, with the exact bytes, before the send call, and updated after;
- a message whose content was sent before is not sent again; changed content (a correction) goes
  out once, subject "Corrected: ...", opening with what changed;
- only errors that prove nothing was sent (throttling, connection refused) are retried, with
  exponential backoff and jitter; a timeout or a server error leaves the row `unknown`, which
  nothing resends until an operator says so (`resend_open`);
- a refused message is `failed` and is tried again by the next run;
- one recipient's failure never stops the others.

This module knows nothing of Dagster: a transport is any object with `preflight(sender)` and
`send(raw, sender, to, bcc, meta)` (see resources/mail.py).
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import json
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html import escape as html_escape
from pathlib import Path
from typing import Any, Protocol

from exec_reporting import corrections
from exec_reporting.config import ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.mime import Attachment, Image, MessageParts, build_message, clean_header
from exec_reporting.reports import DOMAIN_REPORTS
from exec_reporting.sqlfiles import execute, query

_CHART_SRC = re.compile(r'src="([A-Za-z0-9_.-]+\.png)"')
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
CID_DOMAIN = "exec-reporting"
WHAT_CHANGED_MARK = "<!-- exec-reporting:what-changed -->"
# A CSV cell a spreadsheet would read as a formula starts with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# -- errors a transport raises -----------------------------------------------------------------


class SendError(Exception):
    """A send that did not succeed; the subclass says whether anything may have been sent."""


class NotSent(SendError):
    """Proven not sent and worth retrying: throttling, connection refused."""


class Refused(SendError):
    """Refused by the service (an unverified address, a rejected message): nothing was sent.
    Not retried in this run; the next run tries again."""


class OutcomeUnknown(SendError):
    """Maybe sent, maybe not: a timeout or a server error. Never resent automatically."""


class PreflightError(Exception):
    """The transport cannot send at all (unverified sender, quota used up, login refused)."""


@dataclass(frozen=True)
class Preflight:
    # Messages a second the account allows (None: the transport has no such limit).
    max_send_rate: float | None = None
    note: str = ""


class Transport(Protocol):
    name: str

    def preflight(self, sender: str) -> Preflight: ...

    def send(
        self, raw: bytes, sender: str, to: list[str], bcc: list[str], meta: dict[str, Any]
    ) -> str: ...


# -- what a month sends ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedReport:
    name: str
    kind: str
    recipients: list[str]


def planned_reports(config: ReportingConfig, kinds: dict[str, str | None]) -> list[PlannedReport]:
    """The reports of a month and who gets each. `kinds` maps a report kind to the entity kind
    it is about (None for a persona report)."""
    planned = []
    for kind, entity_kind in kinds.items():
        if entity_kind is None:
            planned.append(PlannedReport(kind, kind, config.recipients(kind)))
            continue
        for entity in config.entities:
            if entity.kind == entity_kind:
                recipients = config.domain_recipients(kind) if kind in DOMAIN_REPORTS else []
                planned.append(PlannedReport(f"{kind}-{entity.id}", kind, recipients))
    return planned


def _csv_cell(value: Any) -> Any:
    """A cell safe to open in a spreadsheet: text that starts like a formula (after any leading
    spaces, which some spreadsheets trim) gets a quote in front. Numbers stay numbers: a number
    is never read as a formula, and a quoted negative amount would no longer add up
    (docs/decisions.md, 14)."""
    if isinstance(value, str) and value.lstrip(" ").startswith(_FORMULA_START):
        return "'" + value
    return value


def table_csv(table: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(c["label"]) for c in table["columns"]])
    rows = list(table["rows"]) + ([table["total"]] if table.get("total") else [])
    for row in rows:
        writer.writerow(
            [
                "" if row.get(c["key"]) is None else _csv_cell(row.get(c["key"]))
                for c in table["columns"]
            ]
        )
    return buffer.getvalue().encode("utf-8")


@dataclass
class ReportFiles:
    """One rendered report as delivery reads it from reports_dir/<YYYY-MM>/."""

    name: str
    folder: Path
    figures: dict[str, Any]
    content_sha256: str
    html: str
    text: str

    @classmethod
    def read(cls, folder: Path, name: str) -> ReportFiles:
        raw_json = (folder / f"{name}.json").read_bytes()
        return cls(
            name=name,
            folder=folder,
            figures=json.loads(raw_json),
            content_sha256=hashlib.sha256(raw_json).hexdigest(),
            html=(folder / f"{name}.html").read_text(encoding="utf-8"),
            text=(folder / f"{name}.txt").read_text(encoding="utf-8"),
        )

    @property
    def subject(self) -> str:
        return self.figures["subject"]

    def parts(
        self, what_changed: list[str] | None = None, attachments: bool = True
    ) -> MessageParts:
        """The message: text, HTML with its charts by Content-ID, key tables as CSV files. A
        correction (`what_changed` given) is marked in the subject and opens with the changes."""
        html, text, subject = self.html, self.text, self.subject
        if what_changed is not None:
            subject = "Corrected: " + subject
            html = html.replace(WHAT_CHANGED_MARK, corrections.section_html(what_changed), 1)
            head, _, rest = text.partition("\n\n")
            text = f"{head}\n\n{corrections.section_text(what_changed)}\n{rest}"
        images = []
        for file_name in dict.fromkeys(_CHART_SRC.findall(html)):
            images.append(
                Image(
                    f"{file_name}@{CID_DOMAIN}", (self.folder / file_name).read_bytes(), file_name
                )
            )
        html = _CHART_SRC.sub(lambda m: f'src="cid:{m.group(1)}@{CID_DOMAIN}"', html)
        files = []
        if attachments:
            for section in self.figures.get("sections", []):
                for table in section.get("tables", []):
                    if table.get("attachment"):
                        files.append(Attachment(table["attachment"], table_csv(table)))
        return MessageParts(subject=subject, text=text, html=html, images=images, attachments=files)


def build_raw(
    report: ReportFiles,
    config: ReportingConfig,
    recipient: str,
    what_changed: list[str] | None,
) -> tuple[bytes, str]:
    """The message's bytes and subject, within delivery.max_message_bytes: a message that would
    be larger goes without its attachments, and says so in its text and HTML."""
    limit = config.delivery.max_message_bytes
    parts = report.parts(what_changed)
    raw = build_message(parts, sender=config.delivery.sender, to=[recipient]).as_bytes()
    if len(raw) > limit and parts.attachments:
        names = ", ".join(a.filename for a in parts.attachments)
        note = (
            f"The attachments ({names}) were left out: with them this message would be "
            f"{len(raw):,} bytes, over the limit of {limit:,}. The same tables are in this "
            "report's JSON edition in the report archive "
            f"({report.folder.name}/{report.name}.json)."
        )
        lean = report.parts(what_changed, attachments=False)
        lean.text = f"{note}\n\n{lean.text}"
        # the rendered <body> tag carries inlined styles: insert after it, whatever its attributes
        paragraph = (
            f'<p style="font-family:Arial,sans-serif;font-size:12px">{html_escape(note)}</p>'
        )
        lean.html, found = _BODY_OPEN.subn(lambda m: m.group(0) + paragraph, lean.html, count=1)
        if not found:
            lean.html = paragraph + lean.html
        raw = build_message(lean, sender=config.delivery.sender, to=[recipient]).as_bytes()
        parts = lean
    if len(raw) > limit:
        raise Refused(
            f"message of {len(raw):,} bytes is over delivery.max_message_bytes ({limit:,}) even "
            "without attachments"
        )
    return raw, parts.subject


# -- sending with retries and a rate limit -----------------------------------------------------


@dataclass
class Pace:
    """At most `rate` sends a second."""

    rate: float | None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = None

    def wait(self) -> None:
        if not self.rate:
            return
        now = self.clock()
        if self._last is not None:
            gap = 1.0 / self.rate - (now - self._last)
            if gap > 0:
                self.sleep(gap)
                now = self.clock()
        self._last = now


@dataclass
class Attempt:
    status: str  # sent, failed, unknown
    attempts: int
    message_id: str | None = None
    error: str | None = None


def send_with_retries(
    transport: Transport,
    raw: bytes,
    sender: str,
    to: list[str],
    bcc: list[str],
    meta: dict[str, Any],
    config: ReportingConfig,
    pace: Pace,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> Attempt:
    """Send once; retry only what proves nothing was sent, with exponential backoff and jitter."""
    rng = rng or random.Random()
    attempts = 0
    base = config.delivery.retry_base_seconds
    while True:
        attempts += 1
        pace.wait()
        try:
            message_id = transport.send(raw, sender, to, bcc, meta)
            return Attempt("sent", attempts, message_id=message_id)
        except NotSent as error:
            if attempts >= config.delivery.max_attempts:
                return Attempt(
                    "failed", attempts, error=f"{error} (gave up after {attempts} attempts)"
                )
            sleep(base * 2 ** (attempts - 1) + rng.uniform(0, base))
        except Refused as error:
            return Attempt("failed", attempts, error=str(error))
        except OutcomeUnknown as error:
            return Attempt("unknown", attempts, error=str(error))


# -- the ledger --------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def ensure_ledger(conn) -> None:
    execute(conn, "delivery/schema")


@dataclass
class Outcome:
    report: str
    recipient: str
    # sent, failed, unknown, skipped (already sent), waiting (pending/unknown), unchanged (a new
    # content that reads the same as the one sent: nothing to send)
    status: str
    correction: bool = False
    attempts: int = 0
    error: str | None = None


@dataclass
class DeliveryResult:
    period: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def problems(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in ("failed", "unknown", "waiting")]

    def summary(self) -> str:
        parts = [
            f"{self.count(s)} {s}"
            for s in ("sent", "skipped", "unchanged", "failed", "unknown", "waiting")
            if self.count(s)
        ]
        return ", ".join(parts) or "nothing to send"


def _record(conn, **row: Any) -> None:
    conn.execute(
        "insert or replace into delivery.messages (report, period, recipient, content_sha256, "
        "edition, correction, subject, envelope, status, message_id, attempts, error, raw, "
        "created_at, updated_at, sent_at) values ($report, $period, $recipient, $content_sha256, "
        "$edition, $correction, $subject, $envelope, $status, $message_id, $attempts, $error, "
        "$raw, $created_at, $updated_at, $sent_at)",
        row,
    )


def _update(conn, key: dict[str, str], attempt: Attempt) -> None:
    conn.execute(
        "update delivery.messages set status = $status, message_id = $message_id, "
        "attempts = attempts + $attempts, error = $error, updated_at = $now, "
        "sent_at = case when $status = 'sent' then $now else sent_at end "
        "where report = $report and period = $period and recipient = $recipient "
        "and content_sha256 = $content_sha256",
        {
            **key,
            "status": attempt.status,
            "message_id": attempt.message_id,
            "attempts": attempt.attempts,
            "error": attempt.error,
            "now": _now(),
        },
    )


def _record_unchanged(conn, report: ReportFiles, period: str, recipient: str, before) -> None:
    """Record a re-rendered content that reads the same as the edition the recipient got: the
    ledger knows it, so the next run neither sends it nor compares it again."""
    now = _now()
    _record(
        conn,
        report=report.name,
        period=period,
        recipient=recipient,
        content_sha256=report.content_sha256,
        edition=max(h["edition"] for h in before),
        correction=False,
        subject=clean_header(report.subject),
        envelope=[recipient],
        status="unchanged",
        message_id=None,
        attempts=0,
        error="nothing a reader sees changed: not sent",
        raw=b"",
        created_at=now,
        updated_at=now,
        sent_at=None,
    )


def deliver(
    conn,
    config: ReportingConfig,
    period: str,
    kinds: dict[str, str | None],
    transport: Transport,
    log: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
    only: dict[str, list[str]] | None = None,
) -> DeliveryResult:
    """Send what the month's reports still owe their recipients. `only` restricts the run to
    some reports' recipients ({report name: [recipients]}), for a test send."""
    ensure_ledger(conn)
    folder = config.reports_path / period
    result = DeliveryResult(period)
    fmt = Formatter(config.currency, config.locale)
    todo: list[tuple[ReportFiles, str, int, list[str] | None, int]] = []
    for planned in planned_reports(config, kinds):
        recipients = planned.recipients if only is None else only.get(planned.name, [])
        if not recipients:
            continue
        report = ReportFiles.read(folder, planned.name)
        for recipient in recipients:
            history = query(
                conn, "delivery/history", report=planned.name, period=period, recipient=recipient
            )
            same = [h for h in history if h["content_sha256"] == report.content_sha256]
            if same and same[0]["status"] in ("sent", "unchanged"):
                result.outcomes.append(Outcome(planned.name, recipient, "skipped"))
                continue
            if same and same[0]["status"] in ("pending", "unknown"):
                # it may have arrived: only the operator can say (resend --unknown)
                result.outcomes.append(
                    Outcome(
                        planned.name, recipient, "waiting", error=f"ledger says {same[0]['status']}"
                    )
                )
                continue
            delivered_before = [
                h
                for h in history
                if h["content_sha256"] != report.content_sha256
                and h["status"] in ("sent", "unknown", "pending")
            ]
            edition = (
                same[0]["edition"]
                if same
                else (max((h["edition"] for h in history), default=0) + 1)
            )
            what_changed = None
            if delivered_before:
                previous = query(
                    conn,
                    "delivery/previous_edition",
                    report=planned.name,
                    period=period,
                    recipient=recipient,
                    content_sha256=report.content_sha256,
                )
                old = json.loads(previous[0]["figures"]) if previous else {}
                found = corrections.changes(old, report.figures, fmt)
                if not found:
                    # the content's bytes changed (a new version of the software, say) but no
                    # figure, sentence or note a reader sees did: nothing to correct, nothing sent
                    _record_unchanged(conn, report, period, recipient, delivered_before)
                    result.outcomes.append(Outcome(planned.name, recipient, "unchanged"))
                    log(f"{planned.name} {period} -> {recipient}: nothing a reader sees changed")
                    continue
                what_changed = corrections.describe(found, fmt)
            # a refused message (failed) is tried again: its attempts keep counting
            tried = same[0]["attempts"] if same else 0
            todo.append((report, recipient, edition, what_changed, tried))

    if not todo:
        log(f"delivery {period}: {result.summary()}")
        return result

    preflight = transport.preflight(config.delivery.sender)
    rate = config.delivery.max_send_rate or preflight.max_send_rate
    pace = Pace(rate, sleep=sleep)
    log(
        f"delivery {period}: {len(todo)} message(s) to send through {transport.name}"
        + (f" at most {rate:g} a second" if rate else "")
        + (f" ({preflight.note})" if preflight.note else "")
    )
    for report, recipient, edition, what_changed, tried in todo:
        correction = what_changed is not None
        key = {
            "report": report.name,
            "period": period,
            "recipient": recipient,
            "content_sha256": report.content_sha256,
        }
        conn.execute(
            "insert or ignore into delivery.editions values ($report, $period, $sha, $figures, $now)",
            {
                "report": report.name,
                "period": period,
                "sha": report.content_sha256,
                "figures": json.dumps(report.figures),
                "now": _now(),
            },
        )
        envelope = [recipient, *config.delivery.bcc]
        now = _now()
        row = dict(
            key,
            edition=edition,
            correction=correction,
            envelope=envelope,
            message_id=None,
            attempts=tried,
            created_at=now,
            updated_at=now,
            sent_at=None,
        )
        try:
            raw, subject = build_raw(report, config, recipient, what_changed)
        except Refused as error:
            # nothing can be sent; the ledger says why, and the next run tries again
            subject = clean_header(report.subject)
            _record(conn, **row, subject=subject, status="failed", error=str(error), raw=b"")
            result.outcomes.append(
                Outcome(report.name, recipient, "failed", correction, 0, str(error))
            )
            log(f"{report.name} {period} -> {recipient}: failed ({error})")
            continue
        _record(conn, **row, subject=clean_header(subject), status="pending", error=None, raw=raw)
        attempt = send_with_retries(
            transport,
            raw,
            config.delivery.sender,
            [recipient],
            list(config.delivery.bcc),
            {**key, "edition": edition},
            config,
            pace,
            sleep=sleep,
        )
        _update(conn, key, attempt)
        result.outcomes.append(
            Outcome(
                report.name, recipient, attempt.status, correction, attempt.attempts, attempt.error
            )
        )
        label = "correction " if correction else ""
        log(
            f"{report.name} {period} -> {recipient}: {label}{attempt.status}"
            + (f" after {attempt.attempts} attempts" if attempt.attempts > 1 else "")
            + (f" ({attempt.error})" if attempt.error else "")
        )
    log(f"delivery {period}: {result.summary()}")
    return result


@dataclass(frozen=True)
class Gap:
    entity_id: str
    name: str
    last_ledger_date: Any

    def describe(self) -> str:
        if self.last_ledger_date is None:
            return f"{self.name} has no ledger lines"
        return f"{self.name}'s ledger ends {self.last_ledger_date.isoformat()}"


def period_gaps(conn, config: ReportingConfig, period: str) -> list[Gap]:
    """The entities whose data does not cover the month yet; none when the month is closed in
    reporting.yaml (`closed_months`)."""
    if period in config.closed_months:
        return []
    year, month = (int(part) for part in period.split("-"))
    last_day = calendar.monthrange(year, month)[1]
    rows = query(conn, "delivery/period_gaps", month_end=date(year, month, last_day))
    return [Gap(**row) for row in rows]


def hold_period(conn, period: str, gaps: list[Gap]) -> None:
    """Record that the month's pack waits for data (the CEO report lists it)."""
    ensure_ledger(conn)
    conn.execute("delete from delivery.held_periods where period = $p", {"p": period})
    for gap in gaps:
        conn.execute(
            "insert into delivery.held_periods values ($p, $e, $n, $d, $t)",
            {
                "p": period,
                "e": gap.entity_id,
                "n": gap.name,
                "d": gap.last_ledger_date,
                "t": _now(),
            },
        )


def release_period(conn, period: str) -> None:
    ensure_ledger(conn)
    conn.execute("delete from delivery.held_periods where period = $p", {"p": period})


def open_messages(
    conn, statuses: tuple[str, ...], period: str | None = None
) -> list[dict[str, Any]]:
    ensure_ledger(conn)
    return query(conn, "delivery/open_messages", statuses=list(statuses), period=period)


def _open_rows(conn, statuses, period, report, recipient):
    return conn.execute(
        "select report, period, recipient, content_sha256, edition, correction, envelope, raw "
        "from delivery.messages where status in (select unnest($statuses::varchar[])) "
        "and ($period is null or period = $period) and ($report is null or report = $report) "
        "and ($recipient is null or recipient = $recipient) order by period, report, recipient",
        {"statuses": list(statuses), "period": period, "report": report, "recipient": recipient},
    ).fetchall()


def mark_sent(
    conn,
    period: str | None = None,
    report: str | None = None,
    recipient: str | None = None,
) -> int:
    """On the operator's word (the message did arrive): record pending or unknown messages as
    sent, so that nothing resends them. Returns how many rows changed."""
    ensure_ledger(conn)
    rows = _open_rows(conn, ("pending", "unknown"), period, report, recipient)
    for row in rows:
        key = {"report": row[0], "period": row[1], "recipient": row[2], "content_sha256": row[3]}
        conn.execute(
            "update delivery.messages set status = 'sent', sent_at = $now, updated_at = $now, "
            "error = coalesce(error || '; ', '') || 'marked sent by the operator' "
            "where report = $report and period = $period and recipient = $recipient "
            "and content_sha256 = $content_sha256",
            {**key, "now": _now()},
        )
    return len(rows)


def resend_open(
    conn,
    config: ReportingConfig,
    transport: Transport,
    period: str | None = None,
    statuses: tuple[str, ...] = ("pending", "unknown"),
    log: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
    report: str | None = None,
    recipient: str | None = None,
) -> DeliveryResult:
    """On the operator's word: send again, byte for byte, the messages whose outcome is not
    known (pending after a crash, unknown after a timeout or a server error)."""
    ensure_ledger(conn)
    rows = _open_rows(conn, statuses, period, report, recipient)
    result = DeliveryResult(period or "all")
    if not rows:
        log("resend: nothing pending or unknown")
        return result
    preflight = transport.preflight(config.delivery.sender)
    pace = Pace(config.delivery.max_send_rate or preflight.max_send_rate, sleep=sleep)
    for name, month, to, sha, edition, correction, envelope, raw in rows:
        key = {"report": name, "period": month, "recipient": to, "content_sha256": sha}
        bcc = [address for address in envelope if address != to]
        attempt = send_with_retries(
            transport,
            bytes(raw),
            config.delivery.sender,
            [to],
            bcc,
            {**key, "edition": edition},
            config,
            pace,
            sleep=sleep,
        )
        _update(conn, key, attempt)
        result.outcomes.append(
            Outcome(name, to, attempt.status, correction, attempt.attempts, attempt.error)
        )
        log(f"{name} {month} -> {to}: resent, {attempt.status}")
    return result
