"""Render a report model to its four editions: HTML for email, plain text, Markdown, JSON.

Templates live in exec_reporting/templates (Jinja2, autoescaped for HTML). The HTML's stylesheet
is inlined with css-inline so Outlook and Gmail show it as designed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from exec_reporting.reports.base import Report

_env = Environment(
    loader=PackageLoader("exec_reporting", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _md_cell(value) -> str:
    """A value safe inside a Markdown table cell."""
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


_env.filters["md"] = _md_cell


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


@dataclass
class RenderedReport:
    html: str
    text: str
    markdown: str
    json: str

    def write(self, folder: Path, kind: str) -> dict[str, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for suffix, content in (
            ("html", self.html),
            ("txt", self.text),
            ("md", self.markdown),
            ("json", self.json),
        ):
            path = folder / f"{kind}.{suffix}"
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_text(content, encoding="utf-8")
            tmp.replace(path)  # a reader never sees half a file
            paths[suffix] = path
        return paths


def render(report: Report) -> RenderedReport:
    context = {"report": report, "fmt": report.fmt, "f": report.figures}
    html = _env.get_template(f"{report.kind}.html.j2").render(context)
    return RenderedReport(
        html=css_inline.inline(html),
        text=_env.get_template(f"{report.kind}.txt.j2").render(context),
        markdown=_env.get_template(f"{report.kind}.md.j2").render(context),
        json=json.dumps(report.figures, default=_json_default, indent=2, ensure_ascii=False) + "\n",
    )
