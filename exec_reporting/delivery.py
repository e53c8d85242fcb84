"""Which messages a report month sends, built from the rendered reports on disk.

Each recipient gets a message of their own (To: that recipient), with the archive addresses
only in the envelope (BCC), so a recipient never sees who else got it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from exec_reporting.config import ReportingConfig
from exec_reporting.mime import MessageParts, build_message

# Report kind -> persona whose recipients get it.
PERSONA_OF = {"ceo": "ceo", "cto": "cto", "cfo": "cfo", "cmo": "cmo", "accounting": "accounting"}


@dataclass
class Outgoing:
    report: str
    period: str
    recipient: str
    envelope_to: list[str]
    message: EmailMessage


def report_folder(config: ReportingConfig, period: str) -> Path:
    return config.reports_path / period


def outgoing_messages(config: ReportingConfig, period: str, reports: list[str]) -> list[Outgoing]:
    folder = report_folder(config, period)
    out: list[Outgoing] = []
    for report in reports:
        recipients = config.recipients(PERSONA_OF.get(report, report))
        if not recipients:
            continue
        html = (folder / f"{report}.html").read_text(encoding="utf-8")
        text = (folder / f"{report}.txt").read_text(encoding="utf-8")
        subject = json.loads((folder / f"{report}.json").read_text(encoding="utf-8"))["subject"]
        parts = MessageParts(subject=subject, text=text, html=html)
        for recipient in recipients:
            message = build_message(parts, sender=config.delivery.sender, to=[recipient])
            envelope = [recipient, *config.delivery.bcc]
            out.append(Outgoing(report, period, recipient, envelope, message))
    return out
