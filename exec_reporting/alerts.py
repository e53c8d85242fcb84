"""The alert email a failed run sends to the admin address: which step failed and why, which
checks failed, and a link to the run in the Dagster UI."""

from __future__ import annotations

import html
import re

from exec_reporting.config import ReportingConfig
from exec_reporting.mime import MessageParts, build_message


def clean_error(message: str) -> str:
    """An error message without the exception's dotted class path:
    "dagster._core.definitions.events.Failure: why" -> "why"."""
    return re.sub(r"^[\w.]+\.(\w*(Error|Failure|Exception)): ", "", message.strip())


def failure_alert(
    config: ReportingConfig,
    *,
    run_id: str,
    job: str,
    partition: str | None,
    steps: list[tuple[str, str]],
    failed_checks: list[str],
    run_error: str,
) -> tuple[bytes, list[str]]:
    """The alert's bytes and its recipients (delivery.alerts_to)."""
    link = f"{config.delivery.dagster_ui_url.rstrip('/')}/runs/{run_id}"
    month = f" for {partition}" if partition else ""
    first = steps[0][0] if steps else (f"check {failed_checks[0]}" if failed_checks else "the run")
    subject = f"exec-reporting: {job}{month} failed at {first} - {config.organization}"
    lines = [f"The run {run_id} of {job}{month} failed.", ""]
    for step, reason in steps:
        lines.append(f"Failed step: {step}")
        lines.append("  Reason: " + reason.replace("\n", "\n    "))
    for check in failed_checks:
        lines.append(f"Failed check: {check}")
    if not steps and not failed_checks:
        lines.append(f"Reason: {run_error}")
    lines += ["", f"Open the run: {link}"]
    text = "\n".join(lines) + "\n"
    body = "".join(
        f"<p>{html.escape(line)}</p>" for line in lines if line and "Open the run" not in line
    )
    page = (
        f"<html><body style='font-family:Arial,sans-serif;font-size:14px'>{body}"
        f"<p><a href='{html.escape(link)}'>Open the run in the Dagster UI</a></p></body></html>"
    )
    recipients = list(config.delivery.alerts_to)
    message = build_message(
        MessageParts(subject=subject, text=text, html=page),
        sender=config.delivery.sender,
        to=recipients,
    )
    return message.as_bytes(), recipients
