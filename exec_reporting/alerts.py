"""The alert email a failed run sends to the admin address: which step failed and why, which
checks failed, and a link to the run in the Dagster UI."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from exec_reporting.config import ReportingConfig
from exec_reporting.mime import MessageParts, build_message

# Failing rows of a check shown in an alert or on the command line; the rest are counted.
ROWS_SHOWN = 5


@dataclass
class FailedCheck:
    asset: str  # "raw/ledger"
    check: str
    failing_rows: int = 0
    # the first failing rows, as the check's metadata holds them
    sample: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.asset} {self.check}"

    def lines(self) -> list[str]:
        """The check and its first failing rows, one line each: a quarantined row as
        "file line N, column C (value): reason", any other row as its columns."""
        count = f": {self.failing_rows} failing row(s)" if self.failing_rows else ""
        out = [f"Failed check: {self.name}{count}"]
        for row in self.sample[:ROWS_SHOWN]:
            out.append("  - " + describe_row(row))
        if self.failing_rows > min(len(self.sample), ROWS_SHOWN):
            out.append(f"  ... and {self.failing_rows - min(len(self.sample), ROWS_SHOWN)} more")
        return out


def describe_row(row: dict[str, Any]) -> str:
    """One failing row of a check, written for a person."""
    line = row.get("line", row.get("quarantined_line"))
    if row.get("source_file") and line is not None:
        where = f"{row['source_file']} line {line}"
        if row.get("column_name"):
            where += f", column {row['column_name']}"
            if row.get("value") is not None:
                where += f" ({row['value']!s:.60})"
        if row.get("reason"):
            return f"{where}: {row['reason']}"
        rest = {
            k: v for k, v in row.items() if k not in ("source_file", "line", "quarantined_line")
        }
        return where + ("; " + _pairs(rest) if rest else "")
    return _pairs(row)


def _pairs(row: dict[str, Any]) -> str:
    return "; ".join(f"{key}: {value}" for key, value in row.items() if value not in (None, ""))


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
    failed_checks: list[FailedCheck],
    run_error: str,
    started_by: str = "",
) -> tuple[bytes, list[str]]:
    """The alert's bytes and its recipients (delivery.alerts_to)."""
    link = f"{config.delivery.dagster_ui_url.rstrip('/')}/runs/{run_id}"
    month = f" for {partition}" if partition else ""
    first = (
        steps[0][0] if steps else (f"check {failed_checks[0].name}" if failed_checks else "the run")
    )
    subject = f"exec-reporting: {job}{month} failed at {first} - {config.organization}"
    lines = [f"The run {run_id} of {job}{month} failed."]
    if started_by:
        lines.append(f"Started by {started_by}.")
    lines.append("")
    for step, reason in steps:
        lines.append(f"Failed step: {step}")
        lines.append("  Reason: " + reason.replace("\n", "\n    "))
    for check in failed_checks:
        lines.extend(check.lines())
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


def preliminary_alert(
    config: ReportingConfig, *, period: str, missing: list[str], deadline: str, run_link: str
) -> MessageParts:
    """The alert that a month's pack went out marked Preliminary: which entity's data stops
    where, and what to do."""
    subject = f"exec-reporting: the {period} pack went out Preliminary - {config.organization}"
    lines = [
        f"The {period} reports went out marked Preliminary: on the deadline {deadline} "
        "(period_close.deadline_day) the data still does not cover the month.",
        "",
        "Missing:",
        *(f"  - {line}" for line in missing),
        "",
        "Add the missing statement or export (a statement, ledger line or bank balance dated the "
        "month's last day) and run the month again: the reports whose figures change go out as "
        f"corrections. Or list {period} under closed_months in reporting.yaml if nothing more "
        "is coming.",
        "",
        f"Open the run: {run_link}",
    ]
    text = "\n".join(lines) + "\n"
    body = "".join(
        f"<p>{html.escape(line)}</p>" for line in lines if line and "Open the run" not in line
    )
    page = (
        f"<html><body style='font-family:Arial,sans-serif;font-size:14px'>{body}"
        f"<p><a href='{html.escape(run_link)}'>Open the run in the Dagster UI</a></p></body></html>"
    )
    return MessageParts(subject=subject, text=text, html=page)
