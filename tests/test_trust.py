"""The October demo pack as a reader who checks it would: every figure means what its label and
its definition say, one figure has one label, counts agree with the findings they summarise, a
report about one business names only that business's files, every chart's value axis includes
zero, compact money has one shape, and the definitions are those of the figures shown, one
sentence each, at the end (the whole glossary is docs/glossary.md)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml
from conftest import REPO, build_report, open_demo_warehouse

from exec_reporting.config import load_config
from exec_reporting.glossary import first_sentence, glossary, glossary_markdown
from exec_reporting.reports import specs

MONTH = "2026-10"

# The words that state a unit of money. Every money figure is shown in the configured currency
# (config.currency), in whole units of it: a definition naming a currency or a sub-unit of one
# says something false for some configuration, and "in cents" was false for all.
# "Rounded to the cent" (or "half a cent") is no unit but the precision every money figure is
# shown to (model.py: money to the cent), so it agrees with the reports.
MONEY_UNIT_WORDS = re.compile(
    r"(?<!to the )(?<!half a )\b(cents?|pennies|penny|dollars?|euros?|pounds? sterling|USD|EUR|GBP)\b"
    r"|\bin thousands\b|[$€£]",
    re.IGNORECASE,
)
# Compact money (formatting.money_compact, decision 39): one decimal and a suffix from a thousand
COMPACT = re.compile(r"-?[$€£]\d[\d,]*(?:\.\d+)?[KMB]\b")
COMPACT_SHAPE = re.compile(r"-?[$€£]\d{1,3}\.\d[KMB]")
EXACT_WITH_CENTS = re.compile(r"-?[$€£]\d[\d,]*\.\d\d\b")
# Exact money in a summary: cents from ten up ("$5,135.00", "$182.40") or a whole amount past 999
# without the compact suffix ("$9,755"). Cents below ten ("$4.50") and "$862" are compact.
EXACT_IN_SUMMARY = re.compile(
    r"-?[$€£]\d[\d,]*\d\.\d\d\b|-?[$€£]\d{1,3}(?:,\d{3})+(?![\d.,]*[KMB]\b)"
)


@pytest.fixture(scope="module")
def pack(demo_build, tmp_path_factory):
    """Every report of the October pack: {name: (model, RenderedReport)}."""
    config_path = demo_build[0]
    conn = open_demo_warehouse(demo_build, tmp_path_factory.mktemp("trust"))
    reports = {}
    try:
        for report, spec in specs().items():
            for entity_id in spec.entities(load_config(config_path)):
                model, rendered = build_report(conn, config_path, report, MONTH, entity_id)
                reports[rendered.name] = (model, rendered)
    finally:
        conn.close()
    return reports


def _table(model, title_start: str):
    return next(t for t in model.tables if (t.title or "").startswith(title_start))


# -- units in the glossary ----------------------------------------------------------------------


def test_no_definition_states_a_unit_of_money_the_reports_do_not_use():
    wrong = {
        key: MONEY_UNIT_WORDS.search(term.definition).group(0)
        for key, term in glossary().items()
        if MONEY_UNIT_WORDS.search(term.definition)
    }
    assert wrong == {}


def test_targets_are_shown_in_the_unit_reporting_yaml_gives_them(pack):
    """reporting.yaml's KPI targets are amounts of the configured currency, and so is every
    target the reports show: a revenue target of 40000 is $40,000.00, not $400.00."""
    config = yaml.safe_load((REPO / "reporting.yaml").read_text())
    names = {e["id"]: e["name"] for e in config["entities"]}
    configured = {
        (names[e["id"]], kpi["metric"]): Decimal(str(kpi["target"]))
        for e in config["entities"]
        for kpi in e.get("kpis", [])
    }
    model, _ = pack["ceo"]
    shortfall = next(t for t in model.tables if "revenue_target" in [c.key for c in t.columns])
    shown = {(r["name"], "revenue"): r["revenue_target"] for r in shortfall.rows}
    assert shown and all(configured[key] == value for key, value in shown.items()), shown
    assert glossary()["revenue_target"].unit == glossary()["cash_target"].unit == "money"


# -- one report, one business -------------------------------------------------------------------


def test_a_single_entity_report_names_only_its_entity_s_files(pack):
    entities = {e.id: e.name for e in load_config(REPO / "reporting.yaml").entities}
    entity_ids = set(entities)
    domain = [(name, model, r) for name, (model, r) in pack.items() if model.entity_id]
    assert len(domain) == 3
    for name, model, rendered in domain:
        others = entity_ids - {model.entity_id}
        files = model.data.missing_files + [file for file, _ in model.data.quarantined]
        assert all("/" not in f or f.startswith(f"{model.entity_id}/") for f in files), (
            name,
            files,
        )
        for page in (rendered.html, rendered.text, rendered.markdown, rendered.json):
            leaked = [other for other in others if f"{other}/" in page or entities[other] in page]
            assert leaked == [], (name, leaked)


# -- one figure, one label ----------------------------------------------------------------------


def test_no_two_headlines_show_one_figure_under_two_labels(pack):
    for name, (model, _) in pack.items():
        seen: dict[tuple, str] = {}
        for h in model.headlines:
            if h.value in (None, 0):
                continue
            figure = (h.format, h.value, h.previous)
            assert figure not in seen, (name, seen.get(figure), h.label, h.value)
            seen[figure] = h.label


def test_accounting_counts_agree_with_the_findings_they_summarise(pack):
    model, _ = pack["accounting"]
    headlines = {h.label: h for h in model.headlines}
    unmapped = _table(model, "Account codes missing from the chart")
    chart = {s.key: s for s in model.sections}["chart_of_accounts"]
    chart_findings = [r for t in chart.tables if t.title == "Findings" for r in t.rows]
    unmapped_findings = [r for r in chart_findings if r["rule"] == "unmapped_code"]
    # one open finding per code missing from the chart, and the headline counts their lines
    assert len(unmapped_findings) == len(unmapped.rows) > 0
    assert {(r["entity_id"], r["title"]) for r in unmapped_findings} == {
        (r["entity_id"], f"Account {r['account_code']} is not in the chart") for r in unmapped.rows
    }
    lines = headlines["Lines on unmapped codes"].value
    assert (
        lines == unmapped.total["lines_to_date"] == sum(r["lines_to_date"] for r in unmapped.rows)
    )
    # the expense audit does not count codes missing from the chart again, with another count
    rules = _table(model, "Open findings by rule")
    assert [r for r in rules.rows if "chart" in r["rule_label"].lower()] == []
    expense = {s.key: s for s in model.sections}["expense_audit"]
    expense_findings = [r for t in expense.tables if t.title == "Findings" for r in t.rows]
    assert [r["finding_id"] for r in expense_findings if r["rule"] == "unmapped_account"] == []
    # "Open findings" counts each finding the report lists once
    listed = {
        r["finding_id"]
        for t in model.tables
        if t.title == "Findings"
        for r in t.rows
        if r["status"] != "resolved"
    }
    assert headlines["Open findings"].value == len(listed)


# -- the CFO's reserve --------------------------------------------------------------------------


def test_the_cfo_reserve_names_the_basis_of_each_burn_figure(pack):
    model, rendered = pack["cfo"]
    burn = next(t for t in model.tables if "gross_burn" in [c.key for c in t.columns])
    month_gross_burn = burn.total["gross_burn"]
    capital = {s.key: s for s in model.sections}["capital"]
    reserve = next(line for line in capital.lines if "reserve" in line.lower())
    fmt = model.fmt
    # the average the reserve is made of, labelled with its months, beside the month's own burn
    # the burn table shows, labelled with its month
    average = re.search(r"gross burn averaged over ([^,]+), (\S+) a month", reserve)
    assert average, reserve
    assert average.group(1) == "August 2026 to October 2026"
    assert f"(October 2026 alone: {fmt.money(month_gross_burn)}, the burn table's total)" in (
        reserve
    )
    assert fmt.money(month_gross_burn) in rendered.text


# -- charts and compact money -------------------------------------------------------------------


def test_every_chart_of_the_pack_has_a_value_axis_that_includes_zero(pack):
    charts = [(name, chart) for name, (model, _) in pack.items() for chart in model.charts]
    assert len(charts) >= 16
    for name, chart in charts:
        low, high = chart.png.value_axis
        assert low <= 0 <= high and low < high, (name, chart.name, (low, high))


def test_compact_money_has_one_shape_in_the_whole_pack(pack):
    for name, (model, rendered) in pack.items():
        for page in (rendered.text, rendered.html, rendered.markdown):
            compact = set(COMPACT.findall(page))
            assert {c for c in compact if not COMPACT_SHAPE.fullmatch(c)} == set(), name
        sentences = [*model.verdicts, *(line for s in model.sections for line in s.lines)]
        for sentence in sentences:
            # a sentence writes its money one way: compact or exact, never both
            assert not (COMPACT.search(sentence) and EXACT_WITH_CENTS.search(sentence)), sentence
        for chart in model.charts:
            for number in chart.key_numbers:
                # chart labels are compact: no cents from ten up ("$861.96" is "$862")
                assert not re.search(r"[$€£]\d[\d,]{1,}\.\d\d\b", number), (name, number)


def test_every_verdict_of_the_pack_writes_money_compactly(pack):
    """Decision 39: a report's summary writes money one way. Its verdict sentences are compact
    ("$4.8K", "$182"), like the CEO's and CFO's; the exact figure is in its tables."""
    verdicts = [(name, v) for name, (model, _) in pack.items() for v in model.verdicts]
    assert len({name for name, _ in verdicts}) == len(pack)
    exact = [(name, v, EXACT_IN_SUMMARY.findall(v)) for name, v in verdicts]
    assert [e for e in exact if e[2]] == []


def test_exact_money_in_a_summary_is_recognised():
    for exact in ("$5,135.00", "$182.40", "$49,132.49", "$9,755", "-$1,234", "$12.50", "€1,000"):
        assert EXACT_IN_SUMMARY.search(f"rent {exact} collected"), exact
    for compact in ("$5.1K", "$182", "$49.1K", "$9.8K", "-$1.2K", "$4.50", "$1.3M", "$862"):
        assert not EXACT_IN_SUMMARY.search(f"rent {compact} collected"), compact


# -- definitions --------------------------------------------------------------------------------


def test_definitions_are_for_the_figures_shown_one_sentence_each_at_the_end(pack):
    terms = glossary()
    for name, (model, rendered) in pack.items():
        shown_keys = model.shown_glossary()
        # the headlines' figures, and the columns the email shows of tables with rows
        figures = {h.glossary for h in model.headlines if h.glossary}
        figures |= {
            c.glossary_key
            for t in model.tables
            if t.rows
            for c in t.email_columns
            if c.numeric and c.glossary_key
        }
        assert set(shown_keys) - set(model.glossary_keys) <= figures, name
        assert figures <= set(shown_keys), name
        for key in shown_keys:
            definition = first_sentence(terms[key].definition)
            assert "\n" not in definition
            # one sentence: no full stop followed by another sentence
            assert not re.search(r"[.!?] [A-Z]", definition.rstrip(".")), (name, key, definition)
            assert definition in " ".join(rendered.html.split()), (name, key)
        # at the end: nothing but the closing lines after the definitions
        text = rendered.text
        assert text.rfind("\nDEFINITIONS\n") > text.rfind("\nABOUT THE DATA\n") > 0, name
        paragraphs = re.split(r"\n(?=\S)", text.split("\nDEFINITIONS\n", 1)[1].split("\n", 1)[1])
        labels = [p.split(":", 1)[0] for p in paragraphs if ":" in p]
        assert labels[: len(shown_keys)] == [terms[k].label for k in shown_keys], name


def test_the_definitions_take_a_small_share_of_each_email(pack):
    """Definitions took 28-41 % of every email's plain text (October 2026); one sentence each,
    of the figures shown only, keeps them under a fifth (9-19 % when this test was written)."""
    for name, (_, rendered) in pack.items():
        text = rendered.text
        share = (len(text) - text.index("\nDEFINITIONS\n")) / len(text)
        assert share < 0.20, (name, round(share * 100, 1))


def test_the_first_sentence_of_a_definition():
    assert first_sentence("Cash at month end. Empty when unknown.") == "Cash at month end."
    # abbreviations and decimals do not end a sentence
    assert first_sentence("Income over debt (1.25 means more, e.g. a quarter). Else x.") == (
        "Income over debt (1.25 means more, e.g. a quarter)."
    )
    assert first_sentence("One sentence only") == "One sentence only"


def test_docs_glossary_is_the_glossary_files_written_out():
    committed = (REPO / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert committed == glossary_markdown(), (
        "docs/glossary.md is out of date: run `exec-reporting glossary --write docs/glossary.md`"
    )
    for term in glossary().values():
        assert term.definition in committed
