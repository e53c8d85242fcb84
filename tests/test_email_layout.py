"""Every report of the demo's October pack as an email reader gets it: the HTML part (its cid:
charts resolved to the PNG files, as a mail client does) in headless Chromium at a phone's 375 px
and a desktop's 1000 px, and the plain-text part. Screenshots of each go to a temporary folder;
`UPDATE_SCREENSHOTS=1` writes them to docs/images/ for the README."""

from __future__ import annotations

import os
import re
import shutil
import struct
from pathlib import Path

import pytest
from conftest import REPO, build_report, open_demo_warehouse

from exec_reporting.config import load_config
from exec_reporting.delivery import ReportFiles
from exec_reporting.reports import specs

MONTH = "2026-10"
WIDTHS = (375, 1000)
# the first screen a reader sees, at each width (an iPhone's 375 x 812; a laptop's window)
HEIGHTS = {375: 812, 1000: 900}
UPDATE_SCREENSHOTS = os.environ.get("UPDATE_SCREENSHOTS") == "1"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TEXT_WIDTH = 80

# Per page: how wide the document is, the smallest computed font size of any text on it (and
# where), and each image's source and natural width.
MEASURE = """() => {
  let smallest = [1000, ''];
  for (const element of document.body.querySelectorAll('*')) {
    const text = Array.from(element.childNodes)
      .filter(node => node.nodeType === Node.TEXT_NODE && node.textContent.trim())
      .map(node => node.textContent.trim()).join(' ');
    const style = getComputedStyle(element);
    if (!text || style.display === 'none' || style.visibility === 'hidden') continue;
    const size = parseFloat(style.fontSize);
    if (size < smallest[0]) smallest = [size, element.tagName + ': ' + text.slice(0, 60)];
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    smallestText: smallest,
    images: Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]),
  };
}"""


@pytest.fixture(scope="module")
def pack(demo_build, tmp_path_factory):
    """The October pack rendered once to a folder, as the pipeline writes it, and each report's
    email parts as delivery builds them: {name: (model, MessageParts)}."""
    root = tmp_path_factory.mktemp("pack")
    config_path = demo_build[0]
    conn = open_demo_warehouse(demo_build, root)
    folder = root / "reports" / MONTH
    reports = {}
    try:
        for report, spec in specs().items():
            for entity_id in spec.entities(load_config(config_path)):
                model, rendered = build_report(conn, config_path, report, MONTH, entity_id)
                rendered.write(folder)
                reports[rendered.name] = (model, ReportFiles.read(folder, rendered.name).parts())
    finally:
        conn.close()
    return folder, reports


def email_page(folder: Path, name: str, parts) -> Path:
    """The email's HTML with each cid: reference pointing at its image part's bytes, written to
    a file of its own (what a mail client shows)."""
    page = folder / "email" / f"{name}.html"
    page.parent.mkdir(exist_ok=True)
    html = parts.html
    for image in parts.images:
        (page.parent / image.filename).write_bytes(image.data)
        html = html.replace(f'src="cid:{image.cid}"', f'src="{image.filename}"')
    assert "cid:" not in html, f"{name}: an image without its part"
    page.write_text(html, encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    return REPO / "docs" / "images" if UPDATE_SCREENSHOTS else tmp_path_factory.mktemp("emails")


# The text of every figure cell (nowrap) or ISO date that a browser lays out on more than one line.
WRAPPED_FIGURES = r"""
() => [...document.querySelectorAll('td')].filter(td => (
  td.hasAttribute('nowrap') || /^\s*\d{4}-\d{2}(-\d{2})?\s*$/.test(td.textContent)
)).filter(td => {
  const range = document.createRange();
  range.selectNodeContents(td);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return tops.size > 1;
}).map(td => td.textContent)
"""


@pytest.mark.process
def test_every_email_reflows_on_a_phone_with_readable_text_and_every_chart(pack, screenshots):
    from playwright.sync_api import sync_playwright

    folder, reports = pack
    assert len(reports) == 8
    pages = {name: email_page(folder, name, parts) for name, (_, parts) in reports.items()}
    with sync_playwright() as playwright:
        assert CHROMIUM, "needs Debian's chromium: `make chromium` installs it (make test does)"
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": HEIGHTS[width]})
                for name, path in pages.items():
                    model, parts = reports[name]
                    page.goto(path.as_uri())
                    page.wait_for_load_state("load")
                    measured = page.evaluate(MEASURE)
                    where = (name, width)
                    if width == 375:
                        # no sideways scrolling on a phone: the page is as wide as the screen
                        assert measured["scrollWidth"] <= measured["viewport"], where
                        # a figure or a date is read on one line ("2026 / -11- / 01" is not a
                        # date a reader recognises)
                        assert page.evaluate(WRAPPED_FIGURES) == [], where
                    size, text = measured["smallestText"]
                    assert size >= 14, (*where, f"{size}px", text)
                    assert len(measured["images"]) == len(model.charts) == len(parts.images)
                    for src, complete, natural_width in measured["images"]:
                        assert complete and natural_width > 0, (*where, src)
                    page.screenshot(path=str(screenshots / f"email-{name}-{width}.png"))
                page.close()
        finally:
            browser.close()
    for name in reports:
        for width in WIDTHS:
            assert (screenshots / f"email-{name}-{width}.png").stat().st_size > 0


def test_the_plain_text_part_stays_within_80_characters_and_carries_each_chart_s_numbers(pack):
    _, reports = pack
    for name, (model, parts) in reports.items():
        for number, line in enumerate(parts.text.splitlines(), start=1):
            assert len(line) <= TEXT_WIDTH, (name, number, line)
        text = re.sub(r"\s+", " ", parts.text)
        for chart in model.charts:
            assert chart.key_numbers, (name, chart.name)
            for figure in chart.key_numbers:
                assert re.sub(r"\s+", " ", figure) in text, (name, chart.name, figure)


def test_a_trimmed_table_says_so_and_its_csv_carries_every_column(pack):
    _, reports = pack
    trimmed = 0
    for name, (model, parts) in reports.items():
        attached = {a.filename: a.data.decode("utf-8") for a in parts.attachments}
        names = model.attachments()
        for table in model.tables:
            if not table.rows or not table.trimmed:
                continue
            trimmed += 1
            csv_name = names[id(table)]
            header = attached[csv_name].splitlines()[0]
            assert header.count(",") + 1 >= len(table.columns), (name, csv_name, header)
            assert f"the attached {csv_name} has all of them" in parts.html, (name, csv_name)
            assert len(table.email_columns) <= 4
    assert trimmed  # the demo has wide tables: the rule is exercised


def test_charts_are_drawn_at_twice_the_size_the_email_gives_them(pack):
    _, reports = pack
    for name, (_, parts) in reports.items():
        for image in parts.images:
            pixels = struct.unpack(">II", image.data[16:24])  # the PNG's IHDR: width, height
            tag = re.search(rf"<img[^>]+cid:{re.escape(image.cid)}[^>]*>", parts.html)
            assert tag, (name, image.filename)
            # the attributes Outlook sizes by, at half the pixels: sharp on a 2x screen
            width, height = (
                int(re.search(rf'{a}="(\d+)"', tag.group(0)).group(1)) for a in ("width", "height")
            )
            assert (width * 2, height * 2) == pixels, (name, image.filename, pixels, tag.group(0))
            # and every other client shrinks it to the column
            assert f"max-width: {width}px" in tag.group(0) or "max-width" in tag.group(0)


def test_every_value_axis_includes_zero():
    from exec_reporting.charts import Series, bar_chart, grouped_bar_chart, line_chart

    def money(value: float) -> str:
        return f"${value:,.0f}"

    months = ["Jul", "Aug", "Sep", "Oct"]
    costs = [1420.0, 1445.0, 1510.0, 1443.0]  # the CTO's software cost: a $90 swing
    # a line chart that asks for no rule at zero still starts its axis there
    for zero_line in (True, False):
        low, high = line_chart("Cost", months, [Series("Cost", costs)], money, zero_line).value_axis
        assert low <= 0 < 1510 <= high
    assert bar_chart("Cost", months, costs, money).value_axis[0] <= 0
    assert grouped_bar_chart("Cost", months, [Series("Cost", costs)], money).value_axis[0] <= 0
    below = line_chart("Loss", months, [Series("Loss", [-c for c in costs])], money).value_axis
    assert below[0] <= -1510 and below[1] >= 0


def test_the_plain_text_carries_every_cell_the_email_shows_whole(pack):
    """No cell of a table is cut short in the plain-text part: a table too wide for a line is
    written one paragraph per row instead (a "…" in place of an invoice list loses it)."""
    from exec_reporting.reports.model import display

    _, reports = pack
    for name, (model, parts) in reports.items():
        text = re.sub(r"\s+", " ", parts.text)
        assert "…" not in parts.text, name
        for table in model.tables:
            for row in table.rows:
                for column in table.email_columns:
                    cell = re.sub(
                        r"\s+", " ", display(model.fmt, column.format, row.get(column.key))
                    )
                    assert cell.rstrip(".") in text, (name, table.title, column.key, cell)
