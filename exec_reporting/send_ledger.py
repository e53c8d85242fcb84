"""The send ledger: what was sent to whom, so that each report goes to each recipient exactly once
per content, whatever happens. A small class over the SQL of sql/delivery/ (the tables are in
sql/delivery/schema.sql, in the send ledger's own file: docs/decisions.md, 21).

A message is written `pending`, with its exact bytes, before the send call, and updated after it:
a crash can never leave a send unrecorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from exec_reporting.sqlfiles import execute, query

if TYPE_CHECKING:
    from exec_reporting.period_close import Gap


class Status(StrEnum):
    """Where a message stands in the send ledger."""

    PENDING = "pending"  # about to be sent: the run stopped during the send if it stays so
    SENT = "sent"
    FAILED = "failed"  # refused: nothing was sent; the next run tries again
    UNKNOWN = "unknown"  # may or may not have arrived (a timeout, a server error)
    UNCHANGED = "unchanged"  # a new content that reads the same as the one sent: never sent

    @property
    def done(self) -> bool:
        """Nothing more to do for this content."""
        return self in (Status.SENT, Status.UNCHANGED)

    @property
    def maybe_delivered(self) -> bool:
        """The recipient may have it: never resent without the operator's word."""
        return self in (Status.PENDING, Status.UNKNOWN)


# What a recipient may hold: a correction is compared with the newest of these.
DELIVERED = (Status.SENT, Status.UNKNOWN, Status.PENDING)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class MessageKey:
    """One message: a report's content for one recipient in one month."""

    report: str
    period: str
    recipient: str
    content_sha256: str

    def params(self) -> dict[str, str]:
        return {
            "report": self.report,
            "period": self.period,
            "recipient": self.recipient,
            "content_sha256": self.content_sha256,
        }


@dataclass(frozen=True)
class StoredMessage:
    """A message the ledger holds, with the bytes it was (or is to be) sent as."""

    key: MessageKey
    edition: int
    correction: bool
    envelope: list[str]
    raw: bytes


class SendLedger:
    """The send ledger on a warehouse connection (the ledger file is attached as `delivery`)."""

    def __init__(self, conn) -> None:
        self.conn = conn
        execute(conn, "delivery/schema")

    # -- reading ------------------------------------------------------------------------------

    def history(self, report: str, period: str, recipient: str) -> list[dict[str, Any]]:
        """What the ledger holds for one report, month and recipient, newest first."""
        rows = query(
            self.conn, "delivery/history", report=report, period=period, recipient=recipient
        )
        return [{**row, "status": Status(row["status"])} for row in rows]

    def previous_figures(self, key: MessageKey) -> dict[str, Any]:
        """The JSON edition the recipient got before this content (the newest one sent, or
        possibly sent); empty when there is none."""
        found = query(self.conn, "delivery/previous_edition", **key.params())
        return json.loads(found[0]["figures"]) if found else {}

    def messages(
        self,
        statuses: tuple[Status, ...],
        period: str | None = None,
        report: str | None = None,
        recipient: str | None = None,
    ) -> list[StoredMessage]:
        rows = query(
            self.conn,
            "delivery/messages_in",
            statuses=[str(s) for s in statuses],
            period=period,
            report=report,
            recipient=recipient,
        )
        return [
            StoredMessage(
                MessageKey(r["report"], r["period"], r["recipient"], r["content_sha256"]),
                r["edition"],
                r["correction"],
                list(r["envelope"]),
                bytes(r["raw"]),
            )
            for r in rows
        ]

    def listing(self, statuses: tuple[str, ...], period: str | None = None) -> list[dict]:
        """The rows `exec-reporting deliveries` shows."""
        return query(self.conn, "delivery/open_messages", statuses=list(statuses), period=period)

    # -- writing ------------------------------------------------------------------------------

    def record(
        self,
        key: MessageKey,
        *,
        status: Status,
        edition: int,
        correction: bool,
        subject: str,
        envelope: list[str],
        raw: bytes = b"",
        attempts: int = 0,
        error: str | None = None,
    ) -> None:
        """Write a message (pending before its send, failed or unchanged when none happens)."""
        at = now()
        execute(
            self.conn,
            "delivery/record_message",
            **key.params(),
            edition=edition,
            correction=correction,
            subject=subject,
            envelope=envelope,
            status=str(status),
            message_id=None,
            attempts=attempts,
            error=error,
            raw=raw,
            created_at=at,
            updated_at=at,
            sent_at=None,
        )

    def record_attempt(
        self,
        key: MessageKey,
        status: Status,
        attempts: int,
        message_id: str | None = None,
        error: str | None = None,
    ) -> None:
        execute(
            self.conn,
            "delivery/record_attempt",
            **key.params(),
            status=str(status),
            message_id=message_id,
            attempts=attempts,
            error=error,
            now=now(),
        )

    def record_edition(self, report: str, period: str, sha: str, figures: dict) -> None:
        execute(
            self.conn,
            "delivery/record_edition",
            report=report,
            period=period,
            content_sha256=sha,
            figures=json.dumps(figures),
            now=now(),
        )

    def mark_sent(self, key: MessageKey) -> None:
        execute(self.conn, "delivery/mark_sent", **key.params(), now=now())

    # -- packs held back by the period close -----------------------------------------------------

    def hold(self, period: str, gaps: list[Gap]) -> None:
        """The month's pack waits for data: each entity whose data does not cover it, how far
        its data reaches and the file that says so (the CEO report lists them)."""
        self.release(period)
        for gap in gaps:
            execute(
                self.conn,
                "delivery/hold_period",
                period=period,
                entity_id=gap.entity_id,
                entity_name=gap.name,
                last_ledger_date=gap.last_ledger_date,
                covers_through=gap.covers_through,
                source_file=gap.source_file,
                now=now(),
            )

    def release(self, period: str) -> None:
        execute(self.conn, "delivery/release_period", period=period)
