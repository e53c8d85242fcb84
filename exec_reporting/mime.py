"""Build the MIME message of a report with the standard email package.

multipart/alternative holds the plain text and the HTML; the HTML's PNG charts are related parts
referenced by Content-ID; tables go along as CSV attachments. Every part uses a 7-bit transfer
encoding (quoted-printable or base64), which is what SES expects. No header can carry a CR, LF
or any other control character: they are replaced before a value reaches a header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from typing import cast

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Headers are written on one line up to RFC 5322's 998 characters. At 78, Python's folder moves
# a value that fits on the next line there whole ("Subject:\r\n Corrected: ..."), and parsers,
# Python's own among them, then read the subject with a leading space. The parts' bodies were
# encoded at 76 characters a line (quoted-printable, base64: RFC 2045) when they were set.
BODY_POLICY = SMTP.clone(max_line_length=76)
HEADER_POLICY = SMTP.clone(max_line_length=998)


def clean_header(value: str) -> str:
    """A header value with every control character (CR and LF included) turned into a space."""
    return _CONTROL.sub(" ", value).strip()


@dataclass(frozen=True)
class Image:
    cid: str  # without angle brackets, as referenced by src="cid:..."
    data: bytes
    filename: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime_type: str = "text/csv"


@dataclass
class MessageParts:
    subject: str
    text: str
    html: str
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def build_message(
    parts: MessageParts,
    *,
    sender: str,
    to: list[str],
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """The message for `to`. BCC addresses never go in a header: they belong to the envelope."""
    message = EmailMessage(policy=BODY_POLICY)
    message["From"] = clean_header(sender)
    message["To"] = ", ".join(clean_header(address) for address in to)
    message["Subject"] = clean_header(parts.subject)
    message["Date"] = formatdate(usegmt=True)
    domain = sender.rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=clean_header(domain) if domain else None)
    for name, value in (headers or {}).items():
        message[clean_header(name)] = clean_header(value)

    message.set_content(parts.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(parts.html, subtype="html", charset="utf-8", cte="quoted-printable")
    if parts.images:
        # after add_alternative the payload is the list of parts: the text, then the HTML
        html_part = cast(list[EmailMessage], message.get_payload())[1]
        for image in parts.images:
            html_part.add_related(
                image.data,
                maintype="image",
                subtype="png",
                cid=f"<{image.cid}>",
                filename=image.filename,
                disposition="inline",
            )
    for attachment in parts.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        # text without a charset is US-ASCII (RFC 2046): the CSV files are UTF-8
        params = {"charset": "utf-8"} if maintype == "text" else None
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params=params,
        )
    message.policy = HEADER_POLICY
    return message
