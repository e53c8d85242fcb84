"""Subjects that carry the verdict, and entities graded act, watch or on track: every report of
the demo's October pack says in its subject what it found, in figures the report itself shows,
within 110 characters with "Preliminary: " and "Corrected: " before it, read back by Python's
email parser as it was set; the CEO and the CFO rank the same entities the same way, by the
rule of sql/reports/entity_grades.sql (docs/decisions.md, 44)."""

from __future__ import annotations

import email
import email.policy
import json
from dataclasses import replace
from decimal import Decimal

import pytest
from conftest import build_report, rows

from exec_reporting.config import load_config
from exec_reporting.delivery import ReportFiles
from exec_reporting.formatting import Formatter
from exec_reporting.mime import build_message
from exec_reporting.reports import specs
from exec_reporting.reports.common import entity_grades, month_start
from exec_reporting.reports.model import SUBJECT_LIMIT, fewer_words, fit_subject

MONTH = "2026-10"
OCTOBER = month_start(MONTH)


@pytest.fixture(scope="module")
def pack(demo_warehouse, tmp_path_factory):
    """Every report of the demo's October pack: name -> (model, its JSON, its files as
    delivery reads them)."""
    config_path, conn = demo_warehouse
    config = load_config(config_path)
    folder = tmp_path_factory.mktemp("subjects") / MONTH
    out = {}
    for report, spec in specs().items():
        for entity_id in spec.entities(config):
            model, rendered = build_report(conn, config_path, report, MONTH, entity_id)
            rendered.write(folder)
            out[model.name] = (
                model,
                json.loads(rendered.json),
                ReportFiles.read(folder, model.name),
            )
    assert len(out) == 8
    return out


def parsed_subject(subject: str) -> str:
    """The subject as Python's email package reads it back from the message's bytes."""
    from exec_reporting.mime import MessageParts

    raw = build_message(
        MessageParts(subject=subject, text="Body\n", html="<p>Body</p>"),
        sender="reports@example.com",
        to=["ceo@example.com"],
    ).as_bytes()
    return str(email.message_from_bytes(raw, policy=email.policy.default)["Subject"])


def test_every_subject_carries_a_verdict_and_is_read_back_as_set(pack):
    for name, (model, figures, files) in pack.items():
        subject = figures["subject"]
        assert subject == model.subject
        assert subject.startswith("Executive Report: "), name
        # the month, then the verdict: at least one clause after it
        assert " - Oct 2026 - " in subject, subject
        for parts in (files.parts(), files.parts(what_changed=["Revenue: $1.00 → $2.00"])):
            assert parts.subject in (subject, "Corrected: " + subject)
            assert len(parts.subject) <= SUBJECT_LIMIT, parts.subject
            read = parsed_subject(parts.subject)
            assert read == parts.subject, (read, parts.subject)
            assert not read.startswith(" ")


def test_a_preliminary_subject_fits_with_a_correction_before_it(pack):
    for name, (model, _, _) in pack.items():
        assert not model.preliminary, name
        late = replace(model.data, as_of=[replace(e, late=True) for e in model.data.as_of])
        preliminary = replace(model, data=late)
        subject = preliminary.subject
        assert subject.startswith("Preliminary: Executive Report: "), subject
        corrected = "Corrected: " + subject
        assert len(corrected) <= SUBJECT_LIMIT, corrected
        assert parsed_subject(corrected) == corrected
        # what was dropped to make room is the end of the verdict: the rest is the same words
        assert model.subject.removeprefix("Executive Report: ").startswith(
            subject.removeprefix("Preliminary: Executive Report: ")
        ), (model.subject, subject)


def headline(figures: dict, key: str) -> dict:
    return next(h for h in figures["headlines"] if key in (h["key"], h["label"]))


def table_rows(figures: dict, column: str) -> list[dict]:
    return [
        row
        for section in figures["sections"]
        for table in section["tables"]
        if column in {c["key"] for c in table["columns"]}
        for row in table["rows"]
    ]


def verdict_of(subject: str) -> str:
    return subject.split(" - Oct 2026 - ", 1)[1]


def test_the_subjects_figures_are_the_reports_own(pack, demo_warehouse):
    config = load_config(demo_warehouse[0])
    fmt = Formatter(config.currency, config.locale)
    money = fmt.money_compact

    def signed(value) -> str:
        return ("+" if value > 0 else "") + money(value)

    def d(value) -> Decimal:
        return Decimal(str(value))

    # CEO: revenue against target, KPIs met, open critical findings, entities to act on
    _, ceo, _ = pack["ceo"]
    revenue, kpis = headline(ceo, "revenue"), headline(ceo, "kpis_met")
    critical = headline(ceo, "open_critical_findings")
    acting = [grade for grade in ceo["grades"].values() if grade == "act"]
    # the CFO grades the entities as the CEO does
    assert pack["cfo"][1]["grades"] == ceo["grades"]
    assert verdict_of(ceo["subject"]) == (
        f"revenue {fmt.change_percent(d(revenue['value']) / d(revenue['target']) - 1)} vs target, "
        f"{kpis['value']}/{kpis['target']} KPIs met, {critical['value']} critical, "
        f"{len(acting)} act"
    )
    # CFO: cash and its change on last month, the runway on cash burn, entities to act on (the
    # CEO's count: one grade per entity)
    _, cfo, _ = pack["cfo"]
    cash, runway = headline(cfo, "cash_end"), headline(cfo, "cash_runway_months")
    assert verdict_of(cfo["subject"]) == (
        f"cash {money(cash['value'])} ({signed(cash['change'])}), "
        f"runway {fmt.months(runway['value'])}, {len(acting)} act"
    )
    # CTO: critical and open stack findings, the software cost and its change
    _, cto, _ = pack["cto"]
    cost = headline(cto, "software_cost")
    assert verdict_of(cto["subject"]).startswith(
        f"{headline(cto, 'critical_stack_findings')['value']} critical, "
        f"{headline(cto, 'open_stack_findings')['value']} open findings, "
        f"software {money(cost['value'])} ({signed(cost['change'])})"
    )
    # CMO: bookings and their change, the channel that sold the most of any entity's
    _, cmo, _ = pack["cmo"]
    bookings = headline(cmo, "bookings")
    best = max(table_rows(cmo, "channel"), key=lambda r: r["channel_revenue"] or 0)
    assert verdict_of(cmo["subject"]).startswith(
        f"{bookings['value']} bookings ({bookings['change']:+d}), "
        f"best {best['channel']} {money(best['channel_revenue'])}"
    )
    # Accounting: the open findings to fix first
    _, accounting, _ = pack["accounting"]
    findings = headline(accounting, "Open findings")
    assert verdict_of(accounting["subject"]).startswith(
        f"{findings['value']} open findings ({findings['change']:+d})"
    )
    # the domain reports: the entity named, its headline figure against its target (else with
    # its change on last month)
    domain = {name: figures for name, (_, figures, _) in pack.items() if figures["entity_id"]}
    assert len(domain) == 3
    for figures in domain.values():
        entity = next(e for e in config.entities if e.id == figures["entity_id"])
        assert f": {entity.name} - Oct 2026 - " in figures["subject"]
    rental = domain["rental-rental_3028_51st_st"]
    cash = headline(rental, "cash_end")
    assert cash["on_target"] is False
    assert verdict_of(rental["subject"]).startswith(
        f"cash {money(cash['value'])}, {money(d(cash['target']) - d(cash['value']))} under target"
    )
    logistics = headline(domain["logistics-expert_yacht_delivery"], "revenue")
    assert verdict_of(domain["logistics-expert_yacht_delivery"]["subject"]).startswith(
        f"revenue {money(logistics['value'])} ({signed(logistics['change'])})"
    )
    overdue = headline(domain["agency-dangerous_centaur"], "overdue_balance")
    assert verdict_of(domain["agency-dangerous_centaur"]["subject"]).startswith(
        f"overdue {money(overdue['value'])} ({signed(overdue['change'])})"
    )


def test_the_organization_is_named_once_and_only_for_several_portfolios(pack):
    for name, (model, _, _) in pack.items():
        organization = model.config.organization
        assert organization not in model.subject, name
        several = replace(
            model, config=model.config.model_copy(update={"several_portfolios": True})
        )
        subject = several.subject
        assert subject.count(organization) == 1, subject
        assert f" - {organization} - Oct 2026" in subject
        assert len("Corrected: " + subject) <= SUBJECT_LIMIT
        assert parsed_subject(subject) == subject


def test_a_long_subject_drops_whole_clauses_and_never_cuts_a_word():
    head = "Executive Report: CEO - Oct 2026"
    clauses = ["revenue -12 % vs target", "14/23 KPIs met", "4 critical", "3 act", "3 watch"]
    for limit in range(len(head), 120):
        subject = fit_subject(head, clauses, limit)
        assert len(subject) <= limit
        kept = subject.removeprefix(head).removeprefix(" - ")
        # the clauses kept are the most important ones, whole
        assert kept == ", ".join(clauses[: kept.count(", ") + 1] if kept else [])
    # a name too long for any subject loses whole words, marked
    name = "The Extraordinarily Long Name Of A Holding Company"
    shorter = fewer_words(name)
    assert shorter == "The Extraordinarily Long Name Of A Holding …"
    assert fewer_words(shorter) == "The Extraordinarily Long Name Of A …"
    assert fewer_words("Solo") is None


# -- graded verdicts ----------------------------------------------------------------------------


def expected_grades(conn) -> dict[str, tuple[str, Decimal | None]]:
    """Each entity's grade and money at stake by the rule of docs/decisions.md 41, from the
    metric store."""
    from exec_reporting.reports.common import money_kpis

    causes: dict[str, list[tuple[str, Decimal | None]]] = {}

    def add(entity_id: str, grade: str, money) -> None:
        causes.setdefault(entity_id, []).append((grade, money))

    month = {"month": OCTOBER}
    missed = rows(conn, "select * from metrics.kpi_status where month = $month and not met", month)
    for kpi in missed:
        share = -kpi["gap"] / abs(kpi["target"]) if kpi["target"] else None
        grade = "act" if share is not None and share >= Decimal("0.25") else "watch"
        add(kpi["entity_id"], grade, -kpi["gap"] if kpi["kpi"] in money_kpis() else None)
    critical = rows(
        conn,
        "select * from metrics.finding_status where month = $month and severity = 'critical' "
        "and status in ('new', 'still open')",
        month,
    )
    clients = rows(
        conn,
        "select distinct accounts.entity_id, accounts.overdue_balance "
        "from metrics.client_accounts as accounts "
        "inner join metrics.receivables_invoices as invoices using (entity_id, month, client) "
        "where month = $month and invoices.aging_bucket = 'over 90' and invoices.open_balance > 0",
        month,
    )
    for client in clients:
        add(client["entity_id"], "act", client["overdue_balance"])
    # an overdue invoice is said by its client when the receivables know one
    with_clients = {client["entity_id"] for client in clients}
    for finding in critical:
        if finding["source"] != "invoice" or finding["entity_id"] not in with_clients:
            add(finding["entity_id"], "act", finding["amount"])
    runway_missed = {k["entity_id"] for k in missed if k["kpi"] == "cash_runway_months"}
    for burn in rows(conn, "select * from metrics.cash_burn where month = $month", month):
        months = burn["cash_runway_months"]
        if months is not None and months < 12 and burn["entity_id"] not in runway_missed:
            add(burn["entity_id"], "act" if months < 6 else "watch", None)
    out = {}
    for entity in rows(conn, "select entity_id from config.entities"):
        found = causes.get(entity["entity_id"], [])
        grade = min((g for g, _ in found), key=["act", "watch"].index, default="on track")
        amounts = [m for _, m in found if m is not None]
        out[entity["entity_id"]] = (grade, max(amounts) if amounts else None)
    return out


def test_every_entity_is_graded_by_the_rule_and_ranked_by_what_needs_the_reader_first(
    demo_warehouse,
):
    _, conn = demo_warehouse
    graded = entity_grades(conn, OCTOBER)
    expected = expected_grades(conn)
    # one row per entity, positions 1..n
    assert [r["position"] for r in graded] == list(range(1, len(expected) + 1))
    assert {r["entity_id"]: (r["grade"], r["money_at_stake"]) for r in graded} == expected
    # the demo has entities to act on and to watch: the grades rank something
    assert {r["grade"] for r in graded} >= {"act", "watch"}
    order = [("act", "watch", "on track").index(r["grade"]) for r in graded]
    assert order == sorted(order)
    for first, second in zip(graded, graded[1:], strict=False):
        if first["grade"] == second["grade"]:
            assert (first["money_at_stake"] or 0) >= (second["money_at_stake"] or 0)


def test_the_ceo_and_the_cfo_agree_on_each_entitys_grade_and_rank(pack, demo_warehouse):
    _, conn = demo_warehouse
    graded = entity_grades(conn, OCTOBER)
    names = [f"{r['name']}, {r['grade']}: " for r in graded]
    ceo, _, _ = pack["ceo"]
    cfo, _, _ = pack["cfo"]
    for model in (ceo, cfo):
        assert len(model.verdicts) == len(names)
        for sentence, lead in zip(model.verdicts, names, strict=True):
            assert sentence.startswith(lead), (sentence, lead)
    # the CEO's entity table shows the same grade
    table = next(s for s in ceo.sections if s.key == "shortfall").tables[0]
    assert {r["entity_id"]: r["grade"] for r in table.rows} == {
        r["entity_id"]: r["grade"] for r in graded
    }


def test_a_grade_names_its_causes_in_words(pack, demo_warehouse):
    config = load_config(demo_warehouse[0])
    fmt = Formatter(config.currency, config.locale)
    _, conn = demo_warehouse
    ceo, _, _ = pack["ceo"]
    for row in entity_grades(conn, OCTOBER):
        sentence = next(v for v in ceo.verdicts if v.startswith(f"{row['name']}, "))
        for cause in row["causes"][:3]:
            if cause["kind"] == "client":
                assert (
                    f"{cause['subject']} owes {fmt.money_compact(cause['shortfall'])}, "
                    f"{cause['days']} days past due" in sentence
                )
            elif cause["kind"] == "finding":
                assert cause["subject"] in sentence
            elif cause["kind"] == "kpi" and cause["money"] is not None:
                assert (
                    f"{fmt.money_compact(cause['actual'])}, {fmt.money_compact(cause['money'])} "
                    in sentence
                ), (sentence, cause)


def test_the_grade_is_defined_in_the_glossary():
    from exec_reporting.glossary import glossary

    definition = glossary()["entity_grade"].definition
    for threshold in ("25 %", "6 months", "12 months"):
        assert threshold in definition


def test_a_cause_is_said_once_in_an_entity_s_verdict(pack):
    """The runway KPI on cash burn and the cash runway are one figure: an entity that misses the
    KPI does not also hear its months of cash (Queen of San Diego said "runway on cash burn 3.0
    mo, 3.0 mo short of 6.0 mo; 3.0 months of cash")."""
    ceo = pack["ceo"][0]
    queen = next(v for v in ceo.verdicts if v.startswith("Queen of San Diego"))
    assert "runway on cash burn 3.0 mo" in queen
    assert "months of cash" not in queen
