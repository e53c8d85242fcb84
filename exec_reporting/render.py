"""Render a report model to a RenderedReport: HTML for email, plain text, Markdown, JSON, and
its charts.

One generic set of Jinja2 templates (exec_reporting/templates/report.*.j2, autoescaped for
HTML) renders every report model. The HTML's stylesheet is inlined with css-inline so Outlook and
Gmail show it as designed; charts are PNG files beside the report, which the email carries as
related parts by Content-ID.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from exec_reporting.charts import css_size
from exec_reporting.glossary import GLOSSARY_DOC, Term, first_sentence, terms
from exec_reporting.reports.model import Chart, Column, Format, Headline, Report, Table, display

# The plain-text part's lines stay within this many characters (RFC 5322 recommends 78); a
# table wider than that is written as one paragraph per row.
TEXT_WIDTH = 78

_env = Environment(
    loader=PackageLoader("exec_reporting", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _md_cell(value: object) -> str:
    """A value safe inside Markdown (table cells included)."""
    text = "" if value is None else str(value)
    for char in ("\\", "|", "*", "_", "`", "<", ">", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text.replace("\r", " ").replace("\n", " ")


def _pad(value: object, width: int) -> str:
    return str(value).ljust(width)


def _wrap(value: object, width: int = TEXT_WIDTH, indent: str = "", first: str = "") -> str:
    return textwrap.fill(
        str(value),
        width=width,
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


_env.filters.update(md=_md_cell, pad=_pad, wrap=_wrap)


def _json_default(value: object) -> float | str:
    if isinstance(value, Decimal):
        # rounded to at most a few decimals already: the float's repr has the same digits
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _context(report: Report) -> dict:
    fmt = report.fmt

    def show(format: Format, value: Any) -> str:
        return display(fmt, format, value)

    def change(headline: Headline) -> str:
        delta = headline.change
        sign = "+" if delta > 0 else ""
        if headline.format == "percent":
            return sign + fmt.points(delta)
        return sign + display(fmt, headline.format, delta)

    def cell_class(column: Column, value: Any) -> Markup:
        """The cell's class attribute, if any: a numeric cell is right-aligned and unbroken by its
        attributes (align, nowrap), cheaper than the inlined style of a class on every cell, and
        every byte counts against Gmail's clip."""
        classes = []
        if column.format in ("status", "severity") and value:
            classes.append(str(value).replace(" ", "-"))
        return Markup(' class="{}"').format(" ".join(classes)) if classes else Markup("")

    def chart_size(chart: Chart) -> tuple[int, int]:
        """The chart's width and height in CSS pixels (its PNG has twice as many)."""
        return css_size(chart.png)

    def trimmed_note(table: Table, attachments: dict[int, str]) -> str:
        shown = len(table.email_columns)
        left_out = "; ".join(c.label for c in table.columns if c not in table.email_columns)
        return (
            f"{shown} of {len(table.columns)} columns shown; the attached "
            f"{attachments[id(table)]} has all of them, also: {left_out}."
        )

    def text_table(table: Table, attachments: dict[int, str]) -> str:
        columns = table.email_columns
        headers = [c.label for c in columns]
        body = [[display(fmt, c.format, row.get(c.key)) for c in columns] for row in table.rows]
        if table.total:
            body.append(
                [
                    display(fmt, c.format, table.total.get(c.key))
                    if table.total.get(c.key) is not None
                    else ""
                    for c in columns
                ]
            )
        # every cell whole: a table whose widest cells do not fit in a line is written as one
        # paragraph per row (blocks) rather than cut short with an ellipsis
        widths = [
            max(len(cell) for cell in [header, *(row[i] for row in body)])
            for i, header in enumerate(headers)
        ]

        def line(cells: list[str]) -> str:
            out = []
            for cell, width, column in zip(cells, widths, columns, strict=True):
                out.append(cell.rjust(width) if column.numeric else cell.ljust(width))
            return "  ".join(out).rstrip()

        note = ("\n" + _wrap(trimmed_note(table, attachments))) if table.trimmed else ""
        if sum(widths) + 2 * (len(widths) - 1) > TEXT_WIDTH:
            return blocks(headers, body) + note
        rule = "  ".join("-" * w for w in widths)
        rows = [line(headers), rule, *(line(r) for r in body[: len(table.rows)])]
        if table.total:
            rows += [rule, line(body[-1])]
        return "\n".join(rows) + note

    def blocks(headers: list[str], body: list[list[str]]) -> str:
        """A table too wide for a plain-text email: one short paragraph per row."""
        out = []
        for cells in body:
            pairs = [
                f"{h}: {c.rstrip('.')}" for h, c in zip(headers[1:], cells[1:], strict=True) if c
            ]
            out.append(
                _wrap(cells[0], TEXT_WIDTH)
                + "\n"
                + _wrap("; ".join(pairs), indent="  ", first="  ")
            )
        return "\n".join(out)

    def email_definitions(report: Report) -> list[Term]:
        """The figures the email shows, each defined by the first sentence of its entry: the
        definitions end the email and stay short (the whole entry is in docs/glossary.md)."""
        return [
            Term(t.key, t.label, t.unit, first_sentence(t.definition))
            for t in terms(report.shown_glossary())
        ]

    return {
        "report": report,
        "fmt": fmt,
        "show": show,
        "change": change,
        "cell_class": cell_class,
        "text_table": text_table,
        "chart_size": chart_size,
        "trimmed_note": trimmed_note,
        "glossary": email_definitions,
        "full_glossary": lambda r: terms(r.shown_glossary(email=False)),
        "glossary_doc": GLOSSARY_DOC,
    }


@dataclass
class RenderedReport:
    name: str
    html: str
    text: str
    markdown: str
    json: str
    # file name -> PNG bytes, beside the report
    images: dict[str, bytes] = field(default_factory=dict)

    def write(self, folder: Path) -> dict[str, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        files: dict[str, bytes] = {
            f"{self.name}.html": self.html.encode(),
            f"{self.name}.txt": self.text.encode(),
            f"{self.name}.md": self.markdown.encode(),
            f"{self.name}.json": self.json.encode(),
            **self.images,
        }
        paths = {}
        # charts first and the JSON last, so a reader who sees the JSON finds the rest
        for file_name in sorted(files, key=lambda n: (n.endswith(".json"), n)):
            path = folder / file_name
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(files[file_name])
            tmp.replace(path)  # a reader never sees half a file
            paths[file_name] = path
        return paths


# Declarations written without spaces: the inlined style of every table cell is most of a report's
# bytes, and Gmail clips a message past 102 KB. For the same reason a data table's padding is its
# cellpadding, a cell's top alignment its row's valign, a figure's right alignment its cell's align.
_INLINER = css_inline.CSSInliner(minify_css=True)


def render(report: Report) -> RenderedReport:
    context = _context(report)
    html = _env.get_template("report.html.j2").render(context)
    return RenderedReport(
        name=report.name,
        html=_INLINER.inline(html),
        text=_env.get_template("report.txt.j2").render(context),
        markdown=_env.get_template("report.md.j2").render(context),
        json=json.dumps(report.to_json(), default=_json_default, indent=2, ensure_ascii=False)
        + "\n",
        images={f"{report.name}.{chart.name}.png": chart.png for chart in report.charts},
    )
