"""Which messages a report month sends, built from the rendered reports on disk.

Each recipient gets a message of their own (To: that recipient), with the archive addresses
only in the envelope (BCC), so a recipient never sees who else got it. Persona reports go to
their persona's recipients; domain reports to their configured recipients, else to the CEO and
the CFO.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from exec_reporting.config import ReportingConfig
from exec_reporting.mime import Image, MessageParts, build_message
from exec_reporting.reports import DOMAIN_REPORTS

_CHART_SRC = re.compile(r'src="([A-Za-z0-9_.-]+\.png)"')
CID_DOMAIN = "exec-reporting"


@dataclass
class Outgoing:
    report: str  # the report's name: cfo, rental-<entity>, ...
    period: str
    recipient: str
    envelope_to: list[str]
    message: EmailMessage


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


def message_parts(folder: Path, name: str) -> MessageParts:
    """The message of one rendered report: its subject, text, HTML and charts by Content-ID."""
    html = (folder / f"{name}.html").read_text(encoding="utf-8")
    text = (folder / f"{name}.txt").read_text(encoding="utf-8")
    subject = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["subject"]
    images = []
    for file_name in dict.fromkeys(_CHART_SRC.findall(html)):
        cid = f"{file_name}@{CID_DOMAIN}"
        images.append(Image(cid, (folder / file_name).read_bytes(), file_name))
    html = _CHART_SRC.sub(lambda m: f'src="cid:{m.group(1)}@{CID_DOMAIN}"', html)
    return MessageParts(subject=subject, text=text, html=html, images=images)


def outgoing_messages(
    config: ReportingConfig, period: str, kinds: dict[str, str | None]
) -> list[Outgoing]:
    folder = config.reports_path / period
    out: list[Outgoing] = []
    for planned in planned_reports(config, kinds):
        if not planned.recipients:
            continue
        parts = message_parts(folder, planned.name)
        for recipient in planned.recipients:
            message = build_message(parts, sender=config.delivery.sender, to=[recipient])
            envelope = [recipient, *config.delivery.bcc]
            out.append(Outgoing(planned.name, period, recipient, envelope, message))
    return out
