"""Mail transports: where a built message goes. `outbox` writes .eml files to a folder, so
everything can be tried without an email account."""

import os
from email.message import EmailMessage
from pathlib import Path

import dagster as dg


class OutboxTransport(dg.ConfigurableResource):
    """Writes each message as <outbox_dir>/<YYYY-MM>/<report>/<recipient>.eml."""

    outbox_dir: str

    def path_for(self, period: str, report: str, recipient: str) -> Path:
        return Path(self.outbox_dir) / period / report / f"{recipient}.eml"

    def send(
        self,
        message: EmailMessage,
        *,
        envelope_to: list[str],
        period: str,
        report: str,
        recipient: str,
    ) -> str:
        path = self.path_for(period, report, recipient)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".eml.tmp")
        tmp.write_bytes(message.as_bytes())
        os.replace(tmp, path)
        return str(message["Message-ID"])
