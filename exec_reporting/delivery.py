"""Delivery: exactly one email per report, month, recipient and content, whatever happens.

Each recipient gets a message of their own (To: that recipient), with the archive addresses only
in the envelope (BCC). Persona reports go to their persona's recipients; domain reports to their
configured recipients, else to the CEO and the CFO.

The send ledger (exec_reporting/send_ledger.py over sql/delivery/) makes it exact:
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

import csv
import hashlib
import io
import json
import random
import re
import textwrap
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from html import escape as html_escape
from pathlib import Path
from typing import Any, Protocol

from exec_reporting import alerts, corrections
from exec_reporting.config import ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.mime import Attachment, Image, MessageParts, build_message, clean_header
from exec_reporting.period_close import Gap, PeriodClose
from exec_reporting.publishing import (
    GLOSSARY_PAGE,
    ArchiveLink,
    ArchiveLinks,
    PublishError,
    report_page,
)
from exec_reporting.reports import spec as report_spec
from exec_reporting.reports.model import CORRECTED_PREFIX
from exec_reporting.send_ledger import DELIVERED, MessageKey, SendLedger, Status

_CHART_SRC = re.compile(r'src="([A-Za-z0-9_.-]+\.png)"')
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
CID_DOMAIN = "exec-reporting"
WHAT_CHANGED_MARK = "<!-- exec-reporting:what-changed -->"
# Where the link to the report's page in the archive goes, and the Definitions that shrink to a
# link to the archive's glossary when there is one (templates/report.html.j2).
ARCHIVE_LINK_MARK = "<!-- exec-reporting:archive-link -->"
_DEFINITIONS = re.compile(
    r"<!-- exec-reporting:definitions -->.*?<!-- /exec-reporting:definitions -->", re.DOTALL
)
# The plain text's Definitions are its last section (templates/report.txt.j2).
_TEXT_DEFINITIONS = "\n\n\nDEFINITIONS\n-----------\n"
_LINK_STYLE = "color:#3b7dd8;text-decoration:underline"
_NOTE_STYLE = "font-family:Arial,sans-serif;font-size:14px;line-height:20px;color:#52667a"
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
    name: str  # the file stem: "ceo", "rental-harbor"
    report: str  # which report: "ceo", "rental"
    recipients: list[str]


def planned_reports(config: ReportingConfig, reports: Iterable[str]) -> list[PlannedReport]:
    """The files of a month's reports (of these reports: "ceo", "rental"...) and who gets each:
    a persona report its persona's recipients, a domain report (one per entity of its kind) its
    configured recipients, else the CEO's and the CFO's."""
    planned = []
    for report in reports:
        spec = report_spec(report)
        for entity_id in spec.entities(config):
            recipients = (
                config.recipients(report) if entity_id is None else config.domain_recipients(report)
            )
            planned.append(PlannedReport(spec.name(entity_id), report, recipients))
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


@dataclass(frozen=True)
class EmailLinks:
    """The links of one message to the archive (presigned: computed once per message and kept
    in its bytes, so a resend sends the very same links)."""

    page: ArchiveLink
    glossary: ArchiveLink | None = None


def email_links(archive: ArchiveLinks | None, period: str, report_name: str) -> EmailLinks | None:
    """The message's links to its page and to the glossary, when the archive is one a recipient
    can open (published to S3) and the page is in it."""
    if archive is None:
        return None
    page = archive.email_link(report_page(period, report_name))
    if page is None:
        return None
    return EmailLinks(page, archive.email_link(GLOSSARY_PAGE))


class _LinksOrNone:
    """The archive's links, or none when the archive cannot say (S3 refused to say whether a page
    is there): the email goes out complete without them, and the log says why, once a page."""

    def __init__(self, archive: ArchiveLinks, log: Callable[[str], None]) -> None:
        self.archive = archive
        self.log = log
        self.failed: set[str] = set()

    def email_link(self, page_path: str) -> ArchiveLink | None:
        try:
            return self.archive.email_link(page_path)
        except PublishError as error:
            if page_path not in self.failed:
                self.failed.add(page_path)
                self.log(f"no link to {page_path} in the archive: {error}")
            return None


def _link_html(link: ArchiveLink, text: str) -> str:
    return f'<a href="{html_escape(link.url)}" style="{_LINK_STYLE}">{html_escape(text)}</a>'


def _with_links(html: str, text: str, links: EmailLinks) -> tuple[str, str]:
    """The report's HTML and text with a link to its page in the archive near the top, and its
    Definitions shrunk to a link to the archive's glossary."""
    until = f"the link works until {links.page.until()}"
    html = html.replace(
        ARCHIVE_LINK_MARK,
        f'<p class="muted" style="{_NOTE_STYLE};margin:0 0 8px 0">'
        f"{_link_html(links.page, 'Read this report in the archive')} ({until}): every edition, "
        "the charts larger, the trends across months.</p>",
        1,
    )
    head, rest = _split_after_heading(text)
    invitation = _fill(
        f"Read this report in the archive ({until}): every edition, the charts larger, the "
        "trends across months:"
    )
    text = f"{head}\n\n{invitation}\n{links.page.url}\n\n{rest}"
    glossary = links.glossary
    if glossary is not None:
        glossary_until = f"the link works until {glossary.until()}"
        paragraph = (
            f'<p class="muted" style="{_NOTE_STYLE};margin:0 0 8px 0">What each figure '
            f"means: {_link_html(glossary, 'the glossary in the archive')} "
            f"({glossary_until}).</p>"
        )
        html = _DEFINITIONS.sub(lambda _: paragraph, html, count=1)
        at = text.find(_TEXT_DEFINITIONS)
        if at >= 0:
            text = (
                text[: at + len(_TEXT_DEFINITIONS)]
                + _fill(f"What each figure means: the glossary in the archive ({glossary_until}):")
                + "\n"
                + f"{glossary.url}\n"
            )
    return html, text


def _fill(paragraph: str) -> str:
    """Prose of the plain text within its 78 characters a line (a link stays whole, on its own
    line)."""
    return textwrap.fill(paragraph, width=78, break_long_words=False, break_on_hyphens=False)


def _split_after_heading(text: str) -> tuple[str, str]:
    """The text's title and organization paragraphs, and the rest."""
    paragraphs = text.split("\n\n", 2)
    if len(paragraphs) < 3:
        return text.rstrip("\n"), ""
    return f"{paragraphs[0]}\n\n{paragraphs[1]}", paragraphs[2]


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
        self,
        what_changed: list[str] | None = None,
        attachments: bool = True,
        links: EmailLinks | None = None,
    ) -> MessageParts:
        """The message: text, HTML with its charts by Content-ID, key tables as CSV files. A
        correction (`what_changed` given) is marked in the subject and opens with the changes;
        with `links`, it links to its page in the archive and its Definitions to the glossary."""
        html, text, subject = self.html, self.text, self.subject
        if links is not None:
            html, text = _with_links(html, text, links)
        if what_changed is not None:
            subject = CORRECTED_PREFIX + subject
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
    links: EmailLinks | None = None,
) -> tuple[bytes, str]:
    """The message's bytes and subject, within delivery.max_message_bytes: a message that would
    be larger goes without its attachments, and says so in its text and HTML (with a link to the
    report's page in the archive when there is one)."""
    limit = config.delivery.max_message_bytes
    parts = report.parts(what_changed, links=links)
    raw = build_message(parts, sender=config.delivery.sender, to=[recipient]).as_bytes()
    if len(raw) > limit and parts.attachments:
        names = ", ".join(a.filename for a in parts.attachments)
        left_out = (
            f"The attachments ({names}) were left out: with them this message would be "
            f"{len(raw):,} bytes, over the limit of {limit:,}. "
        )
        if links is not None:
            where = f"The same tables are on this report's page in the archive (the link works until {links.page.until()})"
            note = f"{left_out}{where}: {links.page.url}"
            note_html = f"{html_escape(left_out + where)}: {_link_html(links.page, links.page.url)}"
        else:
            note = (
                f"{left_out}The same tables are in this report's JSON edition in the report "
                f"archive ({report.folder.name}/{report.name}.json)."
            )
            note_html = html_escape(note)
        lean = report.parts(what_changed, attachments=False, links=links)
        lean.text = f"{note}\n\n{lean.text}"
        # the rendered <body> tag carries inlined styles: insert after it, whatever its attributes
        paragraph = f'<p style="font-family:Arial,sans-serif;font-size:12px">{note_html}</p>'
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
    status: Status  # sent, failed or unknown
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
            return Attempt(Status.SENT, attempts, message_id=message_id)
        except NotSent as error:
            if attempts >= config.delivery.max_attempts:
                return Attempt(
                    Status.FAILED, attempts, error=f"{error} (gave up after {attempts} attempts)"
                )
            sleep(base * 2 ** (attempts - 1) + rng.uniform(0, base))
        except Refused as error:
            return Attempt(Status.FAILED, attempts, error=str(error))
        except OutcomeUnknown as error:
            return Attempt(Status.UNKNOWN, attempts, error=str(error))


# -- the ledger --------------------------------------------------------------------------------


class Result(StrEnum):
    """What delivery did for one report and recipient."""

    SENT = "sent"
    FAILED = "failed"  # refused, or given up on: nothing sent; the next run tries again
    UNKNOWN = "unknown"  # may have been sent: waits for the operator
    SKIPPED = "skipped"  # this content was sent before
    WAITING = "waiting"  # this content's earlier send is pending or unknown
    UNCHANGED = "unchanged"  # a new content that reads the same as the one sent: nothing sent


@dataclass
class Outcome:
    report: str
    recipient: str
    status: Result
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
        return [
            o for o in self.outcomes if o.status in (Result.FAILED, Result.UNKNOWN, Result.WAITING)
        ]

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in Result if self.count(s)]
        return ", ".join(parts) or "nothing to send"


@dataclass
class Queued:
    """A message this run is to send: a report's content for one recipient."""

    report: ReportFiles
    recipient: str
    edition: int  # 1 for the first a recipient gets, then 2, 3... for corrections
    what_changed: list[str] | None  # a correction says what changed; None for a first edition
    tried: int  # attempts of an earlier refused send of this content

    @property
    def correction(self) -> bool:
        return self.what_changed is not None

    def key(self, period: str) -> MessageKey:
        return MessageKey(self.report.name, period, self.recipient, self.report.content_sha256)


def _queue(
    ledger: SendLedger,
    report: ReportFiles,
    period: str,
    recipient: str,
    fmt: Formatter,
    result: DeliveryResult,
    log: Callable[[str], None],
) -> Queued | None:
    """What this report's content still owes one recipient: a first edition, a correction, or
    nothing (sent before, waiting for the operator, or nothing a reader sees changed)."""
    key = MessageKey(report.name, period, recipient, report.content_sha256)
    history = ledger.history(report.name, period, recipient)
    same = [h for h in history if h["content_sha256"] == report.content_sha256]
    if same and same[0]["status"].done:
        result.outcomes.append(Outcome(report.name, recipient, Result.SKIPPED))
        return None
    if same and same[0]["status"].maybe_delivered:
        # it may have arrived: only the operator can say (resend --unknown)
        result.outcomes.append(
            Outcome(
                report.name, recipient, Result.WAITING, error=f"ledger says {same[0]['status']}"
            )
        )
        return None
    delivered_before = [
        h
        for h in history
        if h["content_sha256"] != report.content_sha256 and h["status"] in DELIVERED
    ]
    edition = same[0]["edition"] if same else max((h["edition"] for h in history), default=0) + 1
    what_changed = None
    if delivered_before:
        found = corrections.changes(ledger.previous_figures(key), report.figures, fmt)
        if not found:
            # the content's bytes changed (a new version of the software, say) but no figure,
            # sentence or note a reader sees did: nothing to correct, nothing sent
            ledger.record(
                key,
                status=Status.UNCHANGED,
                edition=max(h["edition"] for h in delivered_before),
                correction=False,
                subject=clean_header(report.subject),
                envelope=[recipient],
                error="nothing a reader sees changed: not sent",
            )
            result.outcomes.append(Outcome(report.name, recipient, Result.UNCHANGED))
            log(f"{report.name} {period} -> {recipient}: nothing a reader sees changed")
            return None
        what_changed = corrections.describe(found, fmt)
    # a refused message (failed) is tried again: its attempts keep counting
    return Queued(report, recipient, edition, what_changed, same[0]["attempts"] if same else 0)


def _send(
    ledger: SendLedger,
    item: Queued,
    period: str,
    config: ReportingConfig,
    transport: Transport,
    pace: Pace,
    sleep: Callable[[float], None],
    archive: ArchiveLinks | None = None,
) -> Outcome:
    """Send one queued message, recorded pending before the call and updated after it. Its
    links to the archive are signed here, once: the ledger keeps the exact bytes, links
    included, and a resend sends those bytes."""
    report, recipient, key = item.report, item.recipient, item.key(period)
    ledger.record_edition(report.name, period, report.content_sha256, report.figures)
    record: dict[str, Any] = {
        "edition": item.edition,
        "correction": item.correction,
        "envelope": [recipient, *config.delivery.bcc],
        "attempts": item.tried,
    }
    try:
        links = email_links(archive, period, report.name)
        raw, subject = build_raw(report, config, recipient, item.what_changed, links)
    except Refused as error:
        # nothing can be sent; the ledger says why, and the next run tries again
        ledger.record(
            key,
            status=Status.FAILED,
            subject=clean_header(report.subject),
            error=str(error),
            **record,
        )
        return Outcome(report.name, recipient, Result.FAILED, item.correction, 0, str(error))
    ledger.record(key, status=Status.PENDING, subject=clean_header(subject), raw=raw, **record)
    attempt = send_with_retries(
        transport,
        raw,
        config.delivery.sender,
        [recipient],
        list(config.delivery.bcc),
        {**key.params(), "edition": item.edition},
        config,
        pace,
        sleep=sleep,
    )
    ledger.record_attempt(key, attempt.status, attempt.attempts, attempt.message_id, attempt.error)
    return Outcome(
        report.name,
        recipient,
        Result(attempt.status),
        item.correction,
        attempt.attempts,
        attempt.error,
    )


def deliver(
    conn,
    config: ReportingConfig,
    period: str,
    reports: Iterable[str],
    transport: Transport,
    log: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
    only: dict[str, list[str]] | None = None,
    archive: ArchiveLinks | None = None,
) -> DeliveryResult:
    """Send what the month's reports still owe their recipients. `only` restricts the run to
    some reports' recipients ({report name: [recipients]}), for a test send. With an `archive`
    a recipient can open (S3), each message links to its report's page there."""
    ledger = SendLedger(conn)
    folder = config.reports_path / period
    result = DeliveryResult(period)
    fmt = Formatter(config.currency, config.locale)
    queue: list[Queued] = []
    for planned in planned_reports(config, reports):
        recipients = planned.recipients if only is None else only.get(planned.name, [])
        if recipients:
            report = ReportFiles.read(folder, planned.name)
            for recipient in recipients:
                item = _queue(ledger, report, period, recipient, fmt, result, log)
                if item is not None:
                    queue.append(item)
    if not queue:
        log(f"delivery {period}: {result.summary()}")
        return result

    preflight = transport.preflight(config.delivery.sender)
    links = _LinksOrNone(archive, log) if archive is not None else None
    rate = config.delivery.max_send_rate or preflight.max_send_rate
    pace = Pace(rate, sleep=sleep)
    log(
        f"delivery {period}: {len(queue)} message(s) to send through {transport.name}"
        + (f" at most {rate:g} a second" if rate else "")
        + (f" ({preflight.note})" if preflight.note else "")
    )
    for item in queue:
        outcome = _send(ledger, item, period, config, transport, pace, sleep, links)
        result.outcomes.append(outcome)
        log(
            f"{outcome.report} {period} -> {outcome.recipient}: "
            + ("correction " if outcome.correction else "")
            + outcome.status
            + (f" after {outcome.attempts} attempts" if outcome.attempts > 1 else "")
            + (f" ({outcome.error})" if outcome.error else "")
        )
    log(f"delivery {period}: {result.summary()}")
    return result


def hold_period(conn, period: str, gaps: list[Gap]) -> None:
    """Record that the month's pack waits for data: who is missing what (the CEO report lists
    it)."""
    SendLedger(conn).hold(period, gaps)


# The send ledger's name for the alert that a month's pack went out marked Preliminary.
PRELIMINARY_ALERT = "alert-preliminary"


def send_preliminary_alert(
    conn,
    config: ReportingConfig,
    close: PeriodClose,
    transport: Transport,
    run_link: str,
    log: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryResult:
    """Tell delivery.alerts_to, once per month and recipient, that the month's pack went out
    Preliminary: the send ledger records the alert like a report, so a retried run does not
    send it again."""
    ledger = SendLedger(conn)
    result = DeliveryResult(close.period)
    parts = alerts.preliminary_alert(
        config,
        period=close.period,
        missing=[gap.describe() for gap in close.gaps],
        deadline=close.deadline.isoformat(),
        run_link=run_link,
    )
    # one alert per month and recipient, whatever the run or the wording
    content = hashlib.sha256(f"{PRELIMINARY_ALERT}:{close.period}".encode()).hexdigest()
    queue = []
    for recipient in config.delivery.alerts_to:
        key = MessageKey(PRELIMINARY_ALERT, close.period, recipient, content)
        history = ledger.history(PRELIMINARY_ALERT, close.period, recipient)
        if history and (history[0]["status"].done or history[0]["status"].maybe_delivered):
            result.outcomes.append(Outcome(PRELIMINARY_ALERT, recipient, Result.SKIPPED))
            continue
        queue.append((key, history[0]["attempts"] if history else 0))
    if not queue:
        return result
    preflight = transport.preflight(config.delivery.sender)
    pace = Pace(config.delivery.max_send_rate or preflight.max_send_rate, sleep=sleep)
    for key, tried in queue:
        raw = build_message(parts, sender=config.delivery.sender, to=[key.recipient]).as_bytes()
        ledger.record(
            key,
            status=Status.PENDING,
            edition=1,
            correction=False,
            subject=clean_header(parts.subject),
            envelope=[key.recipient],
            raw=raw,
            attempts=tried,
        )
        attempt = send_with_retries(
            transport,
            raw,
            config.delivery.sender,
            [key.recipient],
            [],
            {**key.params(), "edition": 1},
            config,
            pace,
            sleep=sleep,
        )
        ledger.record_attempt(
            key, attempt.status, attempt.attempts, attempt.message_id, attempt.error
        )
        result.outcomes.append(
            Outcome(
                PRELIMINARY_ALERT,
                key.recipient,
                Result(attempt.status),
                False,
                attempt.attempts,
                attempt.error,
            )
        )
        log(f"preliminary alert {close.period} -> {key.recipient}: {attempt.status}")
    return result


def release_period(conn, period: str) -> None:
    SendLedger(conn).release(period)


def open_messages(
    conn, statuses: tuple[str, ...], period: str | None = None
) -> list[dict[str, Any]]:
    return SendLedger(conn).listing(statuses, period)


def mark_sent(
    conn,
    period: str | None = None,
    report: str | None = None,
    recipient: str | None = None,
) -> int:
    """On the operator's word (the message did arrive): record pending or unknown messages as
    sent, so that nothing resends them. Returns how many rows changed."""
    ledger = SendLedger(conn)
    found = ledger.messages((Status.PENDING, Status.UNKNOWN), period, report, recipient)
    for message in found:
        ledger.mark_sent(message.key)
    return len(found)


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
    ledger = SendLedger(conn)
    found = ledger.messages(tuple(Status(s) for s in statuses), period, report, recipient)
    result = DeliveryResult(period or "all")
    if not found:
        log("resend: nothing pending or unknown")
        return result
    preflight = transport.preflight(config.delivery.sender)
    pace = Pace(config.delivery.max_send_rate or preflight.max_send_rate, sleep=sleep)
    for message in found:
        key = message.key
        bcc = [address for address in message.envelope if address != key.recipient]
        attempt = send_with_retries(
            transport,
            message.raw,
            config.delivery.sender,
            [key.recipient],
            bcc,
            {**key.params(), "edition": message.edition},
            config,
            pace,
            sleep=sleep,
        )
        ledger.record_attempt(
            key, attempt.status, attempt.attempts, attempt.message_id, attempt.error
        )
        result.outcomes.append(
            Outcome(
                key.report,
                key.recipient,
                Result(attempt.status),
                message.correction,
                attempt.attempts,
                attempt.error,
            )
        )
        log(f"{key.report} {key.period} -> {key.recipient}: resent, {attempt.status}")
    return result
