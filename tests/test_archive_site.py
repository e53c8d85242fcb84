"""The executive archive (exec_reporting/site.py): the demo's site crawled in headless Chromium
from its home page, every link followed, at a phone's 375 px and a desktop's 1000 px, with no
broken link, missing image or console error; each report page standing alone (a presigned link
serves that one object); a second build writing nothing; and after a correction, both editions
of the corrected report, each with what changed, and the trend page with the corrected figure.
Screenshots go to a temporary folder; `UPDATE_SCREENSHOTS=1` writes them to docs/images/."""

from __future__ import annotations

import email
import email.policy
import html
import os
import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
import yaml
from conftest import REPO, build_report, load_warehouse, open_demo_warehouse
from test_corrections import ENTITIES, SHOP, YARD, correct_the_yard
from test_email_layout import CHROMIUM, CHROMIUM_ARGS, HEIGHTS, MEASURE, WIDTHS

from exec_reporting.config import load_config
from exec_reporting.delivery import deliver
from exec_reporting.ingest import load_all
from exec_reporting.metrics import build_all
from exec_reporting.reports import specs
from exec_reporting.resources.mail import OutboxTransport
from exec_reporting.site import build_site, site_dir

MONTHS = ("2026-09", "2026-10")
UPDATE_SCREENSHOTS = os.environ.get("UPDATE_SCREENSHOTS") == "1"
# The pages kept as screenshots for the README: (page, file stem).
SCREENSHOTS = [
    ("index.html", "archive-home"),
    ("2026-10/cfo.html", "archive-cfo"),
    ("trends/queen_of_san_diego.html", "archive-trend"),
]


@pytest.fixture(scope="module")
def demo_site(demo_build, tmp_path_factory):
    """The demo's September and October reports rendered into a reports_dir of this module's
    own (reporting.yaml copied beside it, its data_dir pointed at the demo's files), and the
    archive built from them once: (config, conn, what the build wrote)."""
    root = tmp_path_factory.mktemp("archive")
    demo_config, _ = demo_build
    settings = yaml.safe_load(demo_config.read_text(encoding="utf-8"))
    settings["data_dir"] = str(load_config(demo_config).data_path)
    config_path = root / "reporting.yaml"
    config_path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    config = load_config(config_path)
    conn = open_demo_warehouse(demo_build, root)
    for month in MONTHS:
        for report, spec in specs().items():
            for entity_id in spec.entities(config):
                _, rendered = build_report(conn, config_path, report, month, entity_id)
                rendered.write(config.reports_path / month)
    written = build_site(conn, config, log=lambda _: None)
    yield config, conn, written
    conn.close()


def test_the_site_has_the_pages_the_publisher_expects(demo_site):
    config, _, written = demo_site
    files = set(written.files)
    assert {"index.html", "months/index.html", "glossary.html", "style.css"} <= files
    for month in MONTHS:
        for path in sorted((config.reports_path / month).iterdir()):
            if path.suffix in (".json", ".png"):
                page = f"{month}/{path.stem}.html" if path.suffix == ".json" else None
                assert (page or f"{month}/{path.name}") in files, path.name
    assert {f"trends/{entity.id}.html" for entity in config.entities} <= files
    # no edition pages: nothing was corrected
    assert not [name for name in files if ".edition-" in name]
    assert written.root == site_dir(config) == config.path(Path("state/archive/site"))


def test_a_report_page_stands_alone_and_links_relatively(demo_site):
    _, _, written = demo_site
    for name in written.files:
        if not name.endswith(".html"):
            continue
        page = (written.root / name).read_text(encoding="utf-8")
        for link in re.findall(r'href="([^"]*)"', page):
            # relative: the same links work from a folder, a local server and behind a CDN
            assert not urlparse(link).scheme and not link.startswith("/"), (name, link)
        if re.fullmatch(r"\d{4}-\d{2}/[^/]+\.html", name):
            # a presigned link serves this one object: nothing else is needed to read it
            assert "<link" not in page, name
            assert all(src.startswith("data:image/png;base64,") for src in _sources(page)), name
            assert "<style>" in page, name
        assert "<script" not in page, name


def _sources(page: str) -> list[str]:
    return re.findall(r'src="([^"]*)"', page)


def test_a_second_build_writes_nothing(demo_site):
    config, conn, written = demo_site
    before = {name: (written.root / name).stat().st_mtime_ns for name in written.files}
    again = build_site(conn, config, log=lambda _: None)
    assert again.changed == [] and again.removed == []
    assert again.files == written.files
    assert {name: (written.root / name).stat().st_mtime_ns for name in written.files} == before


def test_the_trend_page_shows_the_metric_store_s_figures(demo_site):
    config, conn, written = demo_site
    [[cash_end, revenue]] = conn.execute(
        "select burn.cash_end, revenue.revenue from metrics.burn as burn "
        "join metrics.revenue as revenue using (entity_id, month) "
        "where entity_id = 'jada' and month = date '2026-10-01'"
    ).fetchall()
    page = (written.root / "trends" / "jada.html").read_text(encoding="utf-8")
    assert f"${cash_end:,.2f}" in page and f"${revenue:,.2f}" in page
    # every KPI the entity has, against its target
    kpis = {entity.id: entity.kpis for entity in config.entities}["jada"]
    assert kpis
    assert page.count('<h3 id="kpi-') == len({k.metric for k in kpis})


# -- the crawl ----------------------------------------------------------------------------------

# Each link of the page with where it points (href as written, the URL it resolves to), and
# the ids of the page's elements (the targets of #fragments).
LINKS = """() => ({
  links: Array.from(document.querySelectorAll('a[href]')).map(a => [a.getAttribute('href'), a.href]),
  ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
})"""


def listen_for_errors(page) -> list[str]:
    """The console errors, script errors and failed loads of a page, as they come."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    return errors


@pytest.mark.process
def test_every_page_reached_from_home_loads_whole_at_375_and_1000_px(demo_site, tmp_path):
    from playwright.sync_api import sync_playwright

    _, _, written = demo_site
    screenshots = REPO / "docs" / "images" if UPDATE_SCREENSHOTS else tmp_path
    root = written.root.resolve()
    home = (root / "index.html").as_uri()
    with sync_playwright() as playwright:
        assert CHROMIUM, "needs Debian's chromium: `make chromium` installs it (make test does)"
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": HEIGHTS[width]})
                errors = listen_for_errors(page)
                seen: dict[str, set[str]] = {}  # page URL -> its ids
                targets: list[tuple[str, str, str]] = []  # (from, to, fragment)
                queue = [home]
                while queue:
                    url = queue.pop(0)
                    if url in seen:
                        continue
                    response = page.goto(url)
                    assert response is None or response.ok, url
                    page.wait_for_load_state("load")
                    where = (url.removeprefix(root.as_uri()), width)
                    measured = page.evaluate(MEASURE)
                    if width == 375:
                        assert measured["scrollWidth"] <= measured["viewport"], where
                    size, text = measured["smallestText"]
                    assert size >= 14, (*where, f"{size}px", text)
                    for src, complete, natural_width in measured["images"]:
                        assert complete and natural_width > 0, (*where, src[:60])
                    found = page.evaluate(LINKS)
                    seen[url] = set(found["ids"])
                    for href, resolved in found["links"]:
                        assert not urlparse(href).scheme, (*where, href)
                        target, fragment = urldefrag(resolved)
                        path = Path(unquote(urlparse(target).path))
                        # a link never leaves the site, and its file is there
                        assert path.is_file() and root in path.parents, (*where, href)
                        targets.append((url, target, fragment))
                        if target not in seen and target not in queue:
                            queue.append(target)
                    assert errors == [], (*where, errors)
                for source, target, fragment in targets:
                    if fragment:
                        assert fragment in seen[target], (source, target, fragment)
                # every page of the site is reached from the home page
                reached = {
                    Path(unquote(urlparse(u).path)).relative_to(root).as_posix() for u in seen
                }
                assert reached == {name for name in written.files if name.endswith(".html")}
                for name, stem in SCREENSHOTS:
                    page.goto((root / name).as_uri())
                    page.screenshot(path=str(screenshots / f"{stem}-{width}.png"))
                page.close()
        finally:
            browser.close()
    for _, stem in SCREENSHOTS:
        for width in WIDTHS:
            assert (screenshots / f"{stem}-{width}.png").stat().st_size > 0


# -- a correction -------------------------------------------------------------------------------

MONTH = "2025-03"
ACTIONS = "30-day action plan"


@pytest.fixture
def corrected(portfolio):
    """The two businesses of tests/test_corrections.py: their CEO and CFO reports of March
    rendered, sent, the yard's ledger corrected, rendered and sent again (a correction), and the
    archive built after each send: (config, the site's root)."""
    config_path = portfolio(
        {"shop/ledger.csv": SHOP, "yard/ledger.csv": YARD},
        entities=ENTITIES,
        personas={"ceo": {"to": ["ceo@example.com"]}, "cfo": {"to": ["cfo@example.com"]}},
    )
    config = load_config(config_path)
    conn = load_warehouse(config_path)
    transport = OutboxTransport(outbox_dir=str(config.outbox_path))

    def render_send_and_build() -> None:
        for report in ("ceo", "cfo"):
            _, rendered = build_report(conn, config_path, report, MONTH)
            rendered.write(config.reports_path / MONTH)
        deliver(conn, config, MONTH, ["ceo", "cfo"], transport, log=lambda _: None)
        build_site(conn, config, log=lambda _: None)

    render_send_and_build()
    assert not list(site_dir(config).glob(f"{MONTH}/*.edition-*.html"))
    correct_the_yard(config_path)
    load_all(conn, config)
    build_all(conn)
    render_send_and_build()
    yield config, site_dir(config)
    conn.close()


def _text(path: Path) -> str:
    """A page's text, tags taken out and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def _what_changed_in_email(config, report: str) -> list[str]:
    path = config.outbox_path / MONTH / report / f"{report}@example.com.edition-2.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = message.get_body(("html",)).get_content()
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", body)]


def test_after_a_correction_the_site_shows_both_editions_and_the_corrected_trend(corrected):
    config, root = corrected
    folder = root / MONTH
    for report in ("ceo", "cfo"):
        latest, first = folder / f"{report}.html", folder / f"{report}.edition-1.html"
        assert latest.is_file() and first.is_file()
        assert not (folder / f"{report}.edition-2.html").exists()  # the latest is <report>.html
        latest_page, first_page = latest.read_text(), first.read_text()
        # the latest edition says what changed, as the corrected email said it
        lines = _what_changed_in_email(config, report)
        assert lines
        section = latest_page.split("<h2>What changed</h2>", 1)[1].split("</div>", 1)[0]
        assert [html.unescape(li) for li in re.findall(r"<li>(.*?)</li>", section)] == lines
        assert f'href="{report}.edition-1.html"' in latest_page
        # the first edition: its own figures, no "What changed", a link to the correction
        assert "<h2>What changed</h2>" not in first_page
        assert f'href="{report}.html"' in first_page
        assert "Edition 1 of 2" in first_page
    # the yard's repair: the action it brings is only in the corrected CEO report
    assert "Crane" not in _text(folder / "ceo.edition-1.html")
    assert f"{ACTIONS} / Yard" in _text(folder / "ceo.html")
    # the trend page: March's operating expenses and cash as corrected (800 + 9,000 repair)
    trend = _text(root / "trends" / "yard.html")
    march = trend.split("March 2025", 1)[1]
    assert "$10,200.00" in march  # cash: 20,000 - 800 - 9,000
    assert "$9,800.00" in trend  # the opex KPI's actual
    assert "$19,200.00" not in trend  # the cash before the correction
    months = (root / "months" / "index.html").read_text()
    assert f'href="../{MONTH}/ceo.edition-1.html"' in months
    home = (root / "index.html").read_text()
    assert "edition 2, corrected" in home


def rendered_portfolio(portfolio) -> Path:
    """The two businesses loaded into their warehouse file, March's CFO report rendered: what a
    run leaves for `exec-reporting archive`. Returns the reporting.yaml."""
    from conftest import load_warehouse_file

    from exec_reporting.warehouse import connect

    config_path = portfolio({"shop/ledger.csv": SHOP, "yard/ledger.csv": YARD}, entities=ENTITIES)
    config = load_config(config_path)
    load_warehouse_file(config_path, config.warehouse_path)
    with connect(config.warehouse_path, config.send_ledger_path) as conn:
        _, rendered = build_report(conn, config_path, "cfo", MONTH)
    rendered.write(config.reports_path / MONTH)
    return config_path


def test_the_archive_command_needs_a_warehouse(portfolio, capsys):
    from exec_reporting.cli import main

    config_path = portfolio({"shop/ledger.csv": SHOP}, entities=ENTITIES[:1])
    assert main(["--config", str(config_path), "archive"]) == 2
    assert "run a month first" in capsys.readouterr().err


def test_the_archive_command_builds_the_site_and_prints_its_home_page(portfolio, capsys):
    from exec_reporting.cli import main

    config_path = rendered_portfolio(portfolio)
    config = load_config(config_path)
    capsys.readouterr()
    assert main(["--config", str(config_path), "archive", "--open"]) == 0
    home = site_dir(config) / "index.html"
    assert capsys.readouterr().out.strip() == home.as_uri()
    assert (site_dir(config) / MONTH / "cfo.html").is_file()
    assert main(["--config", str(config_path), "archive"]) == 0
    assert capsys.readouterr().out.strip() == site_dir(config).as_uri()


@pytest.mark.process
def test_the_archive_command_serves_the_site_on_the_loopback_until_stopped(portfolio):
    import signal
    import subprocess
    import sys
    import urllib.request

    config_path = rendered_portfolio(portfolio)
    command = [sys.executable, "-m", "exec_reporting.cli", "--config", str(config_path)]
    server = subprocess.Popen(
        [*command, "archive", "--serve", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split()[0]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/index.html"), url
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200 and b"Test Holdings" in response.read()
        page = url.replace("index.html", f"{MONTH}/cfo.html")
        with urllib.request.urlopen(page, timeout=10) as response:
            assert b"data:image/png;base64," in response.read()
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=10) == 0, server.stderr.read() if server.stderr else ""


def test_an_edition_sent_by_an_earlier_version_still_has_its_page(portfolio):
    """An edition the send ledger kept from before the JSON had some of today's keys (no
    glossary, no notes on the data, no verdicts, sections without an `empty`), and without the
    message that carried it: its page is built from what there is, and says its charts were not
    kept."""
    import hashlib
    import json

    from exec_reporting.send_ledger import MessageKey, SendLedger, Status
    from exec_reporting.warehouse import connect

    config_path = rendered_portfolio(portfolio)
    config = load_config(config_path)
    figures = json.loads((config.reports_path / MONTH / "cfo.json").read_text())
    old = {key: figures[key] for key in ("report", "name", "subject", "month", "currency")}
    old["headlines"] = [{**h, "value": 1} for h in figures["headlines"][:1]]
    old["sections"] = [
        {key: s[key] for key in ("key", "title", "lines", "charts", "tables")}
        for s in figures["sections"]
    ]
    sha = hashlib.sha256(json.dumps(old).encode()).hexdigest()
    with connect(config.warehouse_path, config.send_ledger_path) as conn:
        ledger = SendLedger(conn)
        ledger.record_edition("cfo", MONTH, sha, old)
        ledger.record(
            MessageKey("cfo", MONTH, "cfo@example.com", sha),
            status=Status.SENT,
            edition=1,
            correction=False,
            subject=old["subject"],
            envelope=["cfo@example.com"],
        )
        written = build_site(conn, config, log=lambda _: None)
    first = written.root / MONTH / "cfo.edition-1.html"
    assert f"{MONTH}/cfo.edition-1.html" in written.files
    page = _text(first)
    assert "Edition 1 of 2" in page and "were not kept" in page
    assert figures["sections"][0]["title"] in page
    # the latest edition says what changed against it
    assert "What changed" in _text(written.root / MONTH / "cfo.html")
