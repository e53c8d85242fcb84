"""What changed between two editions of a report: the figures of the JSON editions compared one
by one, for the "What changed" section that opens a corrected edition."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from exec_reporting.formatting import Formatter
from exec_reporting.reports.model import display

# At most this many changes are listed; the rest are counted.
MAX_LISTED = 12


@dataclass(frozen=True)
class Change:
    where: str  # "Cash at month end" or "Burn and runway / Queen of San Diego / Cash"
    kind: str
    old: Any
    new: Any


def figures(edition: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Every figure a JSON edition shows, by a readable name: (kind, value)."""
    found: dict[str, tuple[str, Any]] = {}
    for headline in edition.get("headlines", []):
        found[headline["label"]] = (headline["kind"], headline["value"])
    for section in edition.get("sections", []):
        for table in section.get("tables", []):
            columns = table["columns"]
            if not columns:
                continue
            prefix = section["title"] + (f" / {table['title']}" if table.get("title") else "")
            rows = list(table["rows"]) + ([table["total"]] if table.get("total") else [])
            for index, row in enumerate(rows):
                label = row.get(columns[0]["key"])
                name = str(label) if label not in (None, "") else f"row {index + 1}"
                for column in columns[1:]:
                    key = f"{prefix} / {name} / {column['label']}"
                    found[key] = (column["kind"], row.get(column["key"]))
    return found


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The figures whose value differs, in the order the new edition shows them."""
    before, after = figures(old), figures(new)
    out = []
    for name, (kind, value) in after.items():
        if name in before and before[name][1] != value:
            out.append(Change(name, kind, before[name][1], value))
        elif name not in before and value is not None:
            out.append(Change(name, kind, None, value))
    for name, (kind, value) in before.items():
        if name not in after and value is not None:
            out.append(Change(name, kind, value, None))
    return out


def _value(fmt: Formatter, kind: str, value: Any) -> str:
    if value is None:
        return "none"
    if kind in ("date", "month") and isinstance(value, str):
        from datetime import date

        value = date.fromisoformat(value[:10])
    return display(fmt, kind, value)


def describe(found: list[Change], fmt: Formatter) -> list[str]:
    """One line per change: "Cash at month end: $5,300.00 -> $5,400.00"."""
    lines = [
        f"{c.where}: {_value(fmt, c.kind, c.old)} → {_value(fmt, c.kind, c.new)}"
        for c in found[:MAX_LISTED]
    ]
    if len(found) > MAX_LISTED:
        lines.append(f"... and {len(found) - MAX_LISTED} more figure(s).")
    return lines


def section_text(lines: list[str]) -> str:
    intro = (
        "WHAT CHANGED\nThis edition corrects the one sent before: the data behind it was "
        "corrected. Changed figures (before → now):"
    )
    body = "\n".join(f"  - {line}" for line in lines) if lines else "  (no figure changed; "
    if not lines:
        body += "the notes on the data did)"
    return f"{intro}\n{body}\n"


def section_html(lines: list[str]) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines) or (
        "<li>No figure changed; the notes on the data did.</li>"
    )
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="border:2px solid #b42318;margin:12px 0"><tr><td style="padding:8px 12px;'
        'font-family:Arial,Helvetica,sans-serif;font-size:13px;color:#1f2933">'
        '<p style="margin:0 0 6px 0;font-weight:bold;color:#b42318">What changed</p>'
        '<p style="margin:0 0 6px 0">This edition corrects the one sent before: the data '
        "behind it was corrected. Changed figures (before &rarr; now):</p>"
        f'<ul style="margin:0;padding-left:18px">{items}</ul></td></tr></table>'
    )
