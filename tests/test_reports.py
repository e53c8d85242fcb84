"""All eight reports on the demo portfolio, as a reader gets them: every section filled, no
"None" or "nan", money in the configured currency, HTML small enough for Gmail, and each page
rendered in headless Chromium with its key figures and every chart image."""

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import build_report, load_warehouse, open_demo_warehouse, write_portfolio

from exec_reporting.config import load_config
from exec_reporting.reports import DOMAIN_REPORTS, PERSONA_REPORTS, specs

REPO = Path(__file__).resolve().parent.parent
MONTH = "2026-10"
GMAIL_CLIP_BYTES = 100 * 1024
NOT_A_VALUE = re.compile(r"\b(None|nan|NaN)\b")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def demo_config(root: Path, data: Path, **changes) -> Path:
    """The demo's reporting.yaml in `root`, with changes, reading the demo data in `data`."""
    config = yaml.safe_load((REPO / "reporting.yaml").read_text())
    config["data_dir"] = str(data)
    config.update(changes)
    path = root / "reporting.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def demo(demo_build, tmp_path_factory):
    """The demo portfolio loaded, and every report of its latest month rendered to disk."""
    root = tmp_path_factory.mktemp("demo")
    data = demo_build[0].parent / "data" / "demo"  # generated once for the session
    path = demo_config(root, data)
    conn = open_demo_warehouse(demo_build, root)
    folder = root / "reports" / MONTH
    rendered_reports = {}
    for report, spec in specs().items():
        for entity_id in spec.entities(load_config(path)):
            model, rendered = build_report(conn, path, report, MONTH, entity_id)
            rendered.write(folder)
            rendered_reports[rendered.name] = (model, rendered)
    yield {"path": path, "data": data, "conn": conn, "folder": folder, "rendered": rendered_reports}
    conn.close()


def test_the_demo_has_all_eight_reports(demo):
    names = set(demo["rendered"])
    assert set(PERSONA_REPORTS) <= names
    for report in DOMAIN_REPORTS:
        assert [n for n in names if n.startswith(report + "-")], report
    assert len(names) == 8  # one entity of each domain kind in the demo


def test_every_section_has_data_and_nothing_reads_none_or_nan(demo):
    for name, (model, rendered) in demo["rendered"].items():
        assert model.headlines, name
        assert model.verdicts, name
        assert model.charts, f"{name} has no chart"
        for section in model.sections:
            assert section.empty is None, (name, section.title, section.empty)
            assert section.lines or section.tables or section.charts, (name, section.title)
        for page in (rendered.html, rendered.text, rendered.markdown):
            found = NOT_A_VALUE.search(re.sub(r"<style>.*?</style>", "", page, flags=re.S))
            assert found is None, (name, page[max(0, found.start() - 80) : found.end() + 40])


def test_html_fits_in_gmail_and_charts_are_files_not_data_uris(demo):
    for name, (_, rendered) in demo["rendered"].items():
        assert len(rendered.html.encode()) < GMAIL_CLIP_BYTES, name
        assert "data:image" not in rendered.html, name
        for image in re.findall(r'<img[^>]+src="([^"]+)"', rendered.html):
            assert image in rendered.images, (name, image)
            assert rendered.images[image].startswith(b"\x89PNG"), (name, image)


def test_money_is_in_the_configured_currency(demo, tmp_path):
    _, usd = demo["rendered"]["cfo"]
    assert "$" in usd.text
    euro = demo_config(demo["path"].parent, demo["data"], currency="EUR", locale="de_DE")
    model, rendered = build_report(demo["conn"], euro, "cfo", MONTH)
    assert "€" in rendered.text and "$" not in rendered.text
    assert "Umsatz" not in rendered.text  # the words stay English; numbers follow the locale
    cash = next(h for h in model.headlines if h.label == "Cash at month end")
    assert f"{cash.value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") in (
        rendered.text
    )
    demo_config(demo["path"].parent, demo["data"])  # put the demo config back for the other tests


def test_json_holds_the_figures_the_page_shows(demo):
    for name, (model, rendered) in demo["rendered"].items():
        data = json.loads(rendered.json)
        assert data["subject"] == model.subject
        assert data["month"] == MONTH
        shown = rendered.text
        for headline in data["headlines"]:
            if headline["value"] is not None and headline["kind"] == "money":
                assert model.fmt.money(headline["value"]) in shown, (name, headline["label"])


def test_every_table_row_has_an_id_of_its_own_that_is_not_its_rank(demo):
    # "What changed" in a corrected edition matches rows by their key: a key shared by two rows
    # would mix their figures up, a rank would show every row below an inserted one as changed
    for name, (_, rendered) in demo["rendered"].items():
        for section in json.loads(rendered.json)["sections"]:
            for table in section["tables"]:
                where = (name, section["title"], table["title"])
                positions = {c["key"] for c in table["columns"] if c["position"]}
                assert table["key"] and not positions & set(table["key"]), where
                ids = [tuple(row[k] for k in table["key"]) for row in table["rows"]]
                assert len(set(ids)) == len(ids), where
                assert all(any(v is not None for v in i) for i in ids), where


@pytest.mark.process
def test_each_page_shows_its_key_figures_and_every_chart_loads_in_chromium(demo):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        assert CHROMIUM, "needs Debian's chromium: `make chromium` installs it (make test does)"
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for name, (model, _) in demo["rendered"].items():
            page.goto((demo["folder"] / f"{name}.html").as_uri())
            images = page.evaluate(
                "Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])"
            )
            assert len(images) == len(model.charts), name
            for src, complete, width in images:
                assert complete and width > 0, (name, src)
            text = page.inner_text("body")
            assert model.title in text
            for headline in model.headlines:
                assert headline.label in text, (name, headline.label)
                if headline.value is not None and not isinstance(headline.value, str):
                    from exec_reporting.reports.model import display

                    assert display(model.fmt, headline.format, headline.value) in text, (
                        name,
                        headline.label,
                    )
            for verdict in model.verdicts:
                assert verdict in text, (name, verdict)
        browser.close()
    assert dialogs == []


LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"


def test_a_ledger_only_portfolio_gets_five_persona_reports_with_no_data_sections(tmp_path):
    path = write_portfolio(
        tmp_path,
        {"solo/ledger.csv": LEDGER + "T1,2025-01-05,4000,100.00,Sale,Customer\n"},
        [{"id": "solo", "name": "Solo", "kind": "holding", "opening_cash": 50}],
    )
    conn = load_warehouse(path)
    for report in PERSONA_REPORTS:
        model, rendered = build_report(conn, path, report, "2025-01")
        for page in (rendered.html, rendered.text, rendered.markdown):
            assert (
                NOT_A_VALUE.search(re.sub(r"<style>.*?</style>", "", page, flags=re.S)) is None
            ), report
        assert model.sections, report
    # the sections that need optional files say so and name the file
    _, cto = build_report(conn, path, "cto", "2025-01")
    assert "stack.csv" in cto.text


@pytest.mark.process
def test_a_script_in_a_vendor_name_is_shown_as_text(tmp_path):
    from playwright.sync_api import sync_playwright

    evil = "<script>alert(1)</script>"
    path = write_portfolio(
        tmp_path,
        {
            "shop/ledger.csv": LEDGER
            + "T1,2025-01-04,4000,900.00,Sale,Customer\n"
            + f'T2,2025-01-04,6000,-120.00,Saturday supplies,"{evil}"\n'
        },
        [{"id": "shop", "name": f"Shop {evil}", "kind": "hauling", "opening_cash": 50}],
    )
    conn = load_warehouse(path)
    folder = tmp_path / "out"
    for report in ("cfo", "accounting"):
        _, rendered = build_report(conn, path, report, "2025-01")
        assert evil not in rendered.html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
        rendered.write(folder)
    with sync_playwright() as playwright:
        assert CHROMIUM, "needs Debian's chromium: `make chromium` installs it (make test does)"
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for report in ("cfo", "accounting"):
            page.goto((folder / f"{report}.html").as_uri())
            assert evil in page.inner_text("body"), report
        browser.close()
    assert dialogs == []
