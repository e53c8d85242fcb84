"""The weekly flash (exec_reporting/reports/weekly.py): its figures hand-computed on the
two-business portfolio of tests/test_weekly_flows.py (Los Angeles; a week spanning September's
end, quiet weeks, data that stops on October 20), a quiet week shown as zeros and said so, a week
the data does not reach marked preliminary, its subject, and the demo's last complete week
rendered as an email reader gets it (plain text, and Chromium at a phone's 375 px)."""

from __future__ import annotations

import email
import os
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from email.policy import default

import pytest
from conftest import REPO, load_warehouse, rows, write_portfolio
from test_email_layout import CHROMIUM, CHROMIUM_ARGS, MEASURE, WRAPPED_FIGURES, email_page
from test_weekly_flows import BOATS, CHART, ENTITIES, TOURS

from exec_reporting.config import load_config
from exec_reporting.delivery import ReportFiles
from exec_reporting.render import TEXT_WIDTH, render
from exec_reporting.reports.model import CORRECTED_PREFIX, SUBJECT_LIMIT
from exec_reporting.reports.weekly import build_weekly, week_days

UPDATE_SCREENSHOTS = os.environ.get("UPDATE_SCREENSHOTS") == "1"


def d(text: str) -> Decimal:
    return Decimal(text)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    config_path = write_portfolio(
        tmp_path_factory.mktemp("flash"),
        {**BOATS, **TOURS},
        entities=ENTITIES,
        chart=CHART,
        first_month="2026-09",
        timezone="America/Los_Angeles",
    )
    conn = load_warehouse(config_path)
    yield load_config(config_path), conn
    conn.close()


def figures(report) -> dict[str, tuple]:
    return {h.glossary: (h.value, h.previous, h.change) for h in report.headlines}


def entity_rows(report) -> dict[str, dict]:
    [table] = next(s for s in report.sections if s.key == "entities").tables
    return {row["entity_id"]: row for row in table.rows}


def test_the_headlines_and_rows_of_a_week_spanning_a_month_end_hand_computed(small):
    config, conn = small
    report = build_weekly(conn, config, "2026-W40")
    # Monday September 28 to Sunday October 4. Boats: 1,500.00 at the start; in: K-2 1,200.00,
    # K-1's balance 400.00, I-2 300.00; out: fuel 200.00, marina 150.00; revenue (accrual):
    # K-1 and K-2 sail, 1,200.00 each. Tours: nothing yet. The week before (W39): nothing moved.
    assert figures(report) == {
        "week_closing_cash": (d("3050.00"), d("1500.00"), d("1550.00")),
        "week_money_in": (d("1900.00"), d("0.00"), d("1900.00")),
        "week_money_out": (d("350.00"), d("0.00"), d("350.00")),
        "week_revenue": (d("2400.00"), d("0.00"), d("2400.00")),
    }
    shown = entity_rows(report)
    boats = shown["boats"]
    assert (boats["week_closing_cash"], boats["week_cash_change"]) == (d("3050.00"), d("1550.00"))
    assert (boats["bookings_made"], boats["trips_made"]) == (1, 2)
    assert (boats["invoices_overdue"], boats["invoices_paid"]) == (1, 1)
    # every row is metrics.weekly_flows' week, figure for figure
    stored = rows(
        conn,
        "select * from metrics.weekly_flows where iso_week = '2026-W40' order by entity_id",
    )
    for row in stored:
        for key in ("week_closing_cash", "week_money_in", "week_money_out", "week_revenue"):
            assert shown[row["entity_id"]][key] == row[key], (row["entity_id"], key)
        for key in ("bookings_made", "trips_made", "invoices_overdue", "invoices_paid"):
            assert shown[row["entity_id"]][key] == row[key], (row["entity_id"], key)
    verdict = next(v for v in report.verdicts if v.startswith("Boats"))
    assert verdict == (
        "Boats: cash $3.1K (+$1.6K); in $1.9K, out $350; revenue $2.4K (accrual basis); "
        "1 booking and 2 trips made; 1 invoice fell overdue ($500); 1 invoice paid ($300)."
    )
    assert not report.preliminary
    assert report.subject == (
        "Executive Report: Weekly flash - week 40 (Sep 28 - Oct 4) - cash $3.1K (+$1.6K), "
        "in $1.9K, out $350"
    )


def test_a_week_without_activity_shows_zeros_and_says_so(small):
    config, conn = small
    report = build_weekly(conn, config, "2026-W37")
    assert figures(report)["week_money_in"] == (d("0.00"), d("800.00"), d("-800.00"))
    assert figures(report)["week_closing_cash"][0] == d("1800.00")
    shown = entity_rows(report)
    for row in shown.values():
        assert (row["week_money_in"], row["week_money_out"], row["week_revenue"]) == (
            d("0.00"),
            d("0.00"),
            d("0.00"),
        )
        assert row["week_cash_change"] == d("0.00")
    # Tours' months of data start in October: no row, not a row of zeros
    assert list(shown) == ["boats"]
    assert report.verdicts == [
        "Boats: cash $1.8K (unchanged); no activity this week.",
        "Tours: no figures for the week (outside the months of its data).",
    ]
    text = " ".join(render(report).text.split())
    assert "no booking, trip or invoice changed in the week for Boats: their figures are" in text


def test_a_week_the_data_does_not_reach_is_preliminary(small):
    config, conn = small
    # Boats' data stops on October 20: the week ending Sunday October 25 is not covered
    report = build_weekly(conn, config, "2026-W43")
    assert report.preliminary
    assert report.subject.startswith("Preliminary: Executive Report: Weekly flash - week 43")
    assert [e.name for e in report.data.late] == ["Boats"]
    assert next(v for v in report.verdicts if v.startswith("Boats")).endswith(
        "data stops before Sunday."
    )
    text = " ".join(render(report).text.split())
    assert "PRELIMINARY: the data does not cover week 43 (Oct 19 - 25, 2026)" in text
    assert "Their figures for this week are incomplete." in text
    # the week before is covered: not preliminary
    assert not build_weekly(conn, config, "2026-W42").preliminary


def test_a_week_is_named_as_an_iso_week():
    assert week_days("2026-W44") == (date(2026, 10, 26), date(2026, 11, 1))
    assert week_days("2026-W01") == (date(2025, 12, 29), date(2026, 1, 4))
    with pytest.raises(ValueError, match="expected an ISO week like 2026-W44"):
        week_days("2026-44")


def subject_round_trip(subject: str) -> str:
    message = EmailMessage(policy=default)
    message["Subject"] = subject
    return email.message_from_bytes(message.as_bytes(), policy=default)["Subject"]


def test_the_subject_fits_with_corrected_and_parses_back(small, demo_warehouse):
    config, conn = small
    demo_config, demo = demo_warehouse
    subjects = [
        build_weekly(conn, config, week).subject for week in ("2026-W40", "2026-W43", "2026-W37")
    ]
    subjects += [
        build_weekly(demo, load_config(demo_config), week).subject
        for week in ("2026-W43", "2026-W44")
    ]
    assert subjects[-1].startswith(
        "Preliminary: Executive Report: Weekly flash - week 44 (Oct 26 - Nov 1) - cash $256.2K"
    )
    for subject in subjects:
        corrected = CORRECTED_PREFIX + subject
        assert len(corrected) <= SUBJECT_LIMIT, corrected
        assert subject_round_trip(corrected) == corrected


@pytest.fixture(scope="module")
def demo_flash(demo_warehouse, tmp_path_factory):
    """The demo's flash of its last complete week, written as the pipeline writes a report:
    (model, RenderedReport, folder)."""
    config_path, conn = demo_warehouse
    report = build_weekly(conn, load_config(config_path), "2026-W43")
    rendered = render(report)
    folder = tmp_path_factory.mktemp("flash") / "2026-W43"
    rendered.write(folder)
    return report, rendered, folder


def test_the_demos_last_complete_week_renders(demo_flash, demo_warehouse):
    report, rendered, _ = demo_flash
    _, conn = demo_warehouse
    assert not report.preliminary  # the demo's data ends on Saturday October 31
    assert report.subject.startswith(
        "Executive Report: Weekly flash - week 43 (Oct 19 - 25) - cash $285.7K (+$17.5K)"
    )
    [portfolio] = rows(
        conn,
        "select sum(week_closing_cash) as cash, sum(week_money_in) as money_in "
        "from metrics.weekly_flows where iso_week = '2026-W43'",
    )
    assert figures(report)["week_closing_cash"][0] == portfolio["cash"]
    assert figures(report)["week_money_in"][0] == portfolio["money_in"]
    assert len(report.verdicts) == len(load_config_entities(demo_warehouse))
    long_lines = [line for line in rendered.text.splitlines() if len(line) > TEXT_WIDTH]
    assert long_lines == []
    # the next 14 days: the two weeks after Sunday October 25
    [upcoming] = next(s for s in report.sections if s.key == "next_14_days").tables
    assert upcoming.rows
    assert all(date(2026, 10, 26) <= r["upcoming_on"] <= date(2026, 11, 8) for r in upcoming.rows)
    assert len(report.charts) == 1


def load_config_entities(demo_warehouse) -> list:
    return load_config(demo_warehouse[0]).entities


def test_new_findings_are_those_first_shown_in_the_week(demo_warehouse):
    config_path, conn = demo_warehouse
    config = load_config(config_path)
    # October's new critical and high findings have no date of their own (no overdue invoice):
    # they are made from October's data, and first show in the week of October 31 (W44)
    october = {
        r["finding_id"]
        for r in rows(
            conn,
            "select status.finding_id from metrics.finding_status as status "
            "join metrics.findings as findings using (month, finding_id) "
            "where status.month = date '2026-10-01' and status.status = 'new' "
            "and status.severity in ('critical', 'high') and findings.invoice_id is null",
        )
    }
    assert october

    def shown(week: str) -> set[str]:
        section = next(s for s in build_weekly(conn, config, week).sections if s.key == "findings")
        return {row["finding_id"] for table in section.tables for row in table.rows}

    assert shown("2026-W44") == october
    assert shown("2026-W43") == set()


@pytest.mark.process
def test_the_flash_reflows_on_a_phone(demo_flash, tmp_path):
    from playwright.sync_api import sync_playwright

    report, rendered, folder = demo_flash
    parts = ReportFiles.read(folder, rendered.name).parts()
    page_path = email_page(folder, rendered.name, parts)
    screenshots = REPO / "docs" / "images" if UPDATE_SCREENSHOTS else tmp_path
    with sync_playwright() as playwright:
        assert CHROMIUM, "needs Debian's chromium: `make chromium` installs it (make test does)"
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 375, "height": 812})
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            measured = page.evaluate(MEASURE)
            assert measured["scrollWidth"] <= measured["viewport"]
            assert page.evaluate(WRAPPED_FIGURES) == []
            size, text = measured["smallestText"]
            assert size >= 14, (f"{size}px", text)
            assert len(measured["images"]) == len(report.charts) == 1
            for src, complete, natural_width in measured["images"]:
                assert complete and natural_width > 0, src
            page.screenshot(path=str(screenshots / "email-weekly-375.png"))
        finally:
            browser.close()
    assert (screenshots / "email-weekly-375.png").stat().st_size > 0
