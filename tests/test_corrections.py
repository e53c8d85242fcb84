"""What changed between two editions of a report: table rows matched by their key, not by their
place (one action inserted at the top of the CEO's plan is one added row, and the rows below it
are not shown as moved), sentences compared before and after, editions written before tables had
keys, and the corrected email that delivery sends through the outbox."""

from __future__ import annotations

import copy
import email
import email.policy
import json
from pathlib import Path

import pytest
import yaml
from conftest import build_report, load_warehouse

from exec_reporting.config import load_config
from exec_reporting.corrections import MAX_LISTED, Change, changes, describe
from exec_reporting.delivery import deliver, table_csv
from exec_reporting.formatting import Formatter
from exec_reporting.reports.model import Column, Table
from exec_reporting.resources.mail import OutboxTransport

MONTH = "2025-03"
FMT = Formatter("USD")
HEADER = "txn_id,date,account_code,amount,description,counterparty\n"

# Chart (tests/conftest.py DEFAULT_CHART): 3000 owner contributions, 4000 sales, 6000 rent.
# shop: cash 3,000.00 + 1,500.00 - 500.00 = 4,000.00 at the end of March, against a 10,000.00
#   target (short 6,000.00); March revenue 1,500.00 against 2,000.00 (short 500.00). Two actions:
#   raise cash (impact 6,000.00, rank 1), find revenue (impact 500.00, rank 2).
# yard: March operating expenses 800.00 against at most 1,000.00: met, no action.
SHOP = (
    HEADER
    + "S1,2025-01-03,3000,3000.00,Owner contribution,Owner\n"
    + "S2,2025-03-05,4000,1500.00,Sales,Customers\n"
    + "S3,2025-03-06,6000,-500.00,Rent,Landlord\n"
)
YARD = (
    HEADER
    + "Y1,2025-01-03,3000,20000.00,Owner contribution,Owner\n"
    + "Y2,2025-03-06,6000,-800.00,Rent,Landlord\n"
)
# The correction: a 9,000.00 repair the yard had not recorded. Its operating expenses, 9,800.00,
# now miss the target by 8,800.00: a new action that ranks first, above both of the shop's.
YARD_REPAIR = "Y3,2025-03-20,6000,-9000.00,Crane repair,Example Cranes\n"

ENTITIES = [
    {
        "id": "shop",
        "name": "Shop",
        "kind": "charter",
        "kpis": [
            {"metric": "revenue", "target": "2000", "better": "higher"},
            {"metric": "cash_end", "target": "10000", "better": "higher"},
        ],
    },
    {
        "id": "yard",
        "name": "Yard",
        "kind": "hauling",
        "kpis": [{"metric": "opex", "target": "1000", "better": "lower"}],
    },
]
CFO = {
    "reserve_months": 1,
    "capital_candidates": [
        {"name": "Second van", "entity": "shop", "cost": 2000, "monthly_return": 200},
        {"name": "New crane", "entity": "yard", "cost": 6000, "monthly_return": 300},
    ],
}


@pytest.fixture
def holdings(portfolio):
    """The two businesses, the CEO and the CFO with their recipients, mail to the outbox."""
    return portfolio(
        {"shop/ledger.csv": SHOP, "yard/ledger.csv": YARD},
        entities=ENTITIES,
        cfo=CFO,
        personas={"ceo": {"to": ["ceo@example.com"]}, "cfo": {"to": ["cfo@example.com"]}},
    )


def correct_the_yard(config_path) -> None:
    ledger = load_config(config_path).data_path / "yard" / "ledger.csv"
    ledger.write_text(YARD + YARD_REPAIR, encoding="utf-8")


# {(report, the portfolio's files and settings): its edition}: several tests start from the
# same portfolio (or correct it the same way), and an edition is a function of those bytes alone
# (edition() checks that it names no folder), so each distinct one is built once.
EDITIONS: dict[tuple[str, tuple], str] = {}


def portfolio_state(config_path: Path) -> tuple:
    root = config_path.parent
    files = sorted(p for p in root.rglob("*") if p.is_file() and "state" not in p.parts)
    return tuple((p.relative_to(root).as_posix(), p.read_bytes()) for p in files)


def edition(config_path, kind: str) -> dict:
    """The JSON edition of one report of MONTH, as delivery reads it from the report files."""
    key = (kind, portfolio_state(config_path))
    if key not in EDITIONS:
        _, rendered = build_report(load_warehouse(config_path), config_path, kind, MONTH)
        assert str(config_path.parent) not in rendered.json
        EDITIONS[key] = rendered.json
    return json.loads(EDITIONS[key])


def table(edition: dict, section_key: str) -> dict:
    section = next(s for s in edition["sections"] if s["key"] == section_key)
    return section["tables"][0]


def in_table(found: list[Change], where: str) -> list[Change]:
    return [c for c in found if c.where.startswith(where + " / ")]


ACTIONS = "30-day action plan"


def test_one_inserted_action_is_one_added_row_and_nothing_moves(holdings):
    before = edition(holdings, "ceo")
    correct_the_yard(holdings)
    after = edition(holdings, "ceo")

    # the plan ranked the new action first: every one of the shop's actions moved down a place
    old_plan, new_plan = table(before, "actions"), table(after, "actions")
    assert [r["rank"] for r in old_plan["rows"]] == [1, 2]
    [inserted] = [r for r in new_plan["rows"] if r["name"] == "Yard"]
    assert inserted["rank"] == 1
    old_ranks = {r["action_id"]: r["rank"] for r in old_plan["rows"]}
    new_ranks = {r["action_id"]: r["rank"] for r in new_plan["rows"]}
    assert {a: new_ranks[a] - rank for a, rank in old_ranks.items()} == dict.fromkeys(old_ranks, 1)

    found = changes(before, after, FMT)
    plan = in_table(found, ACTIONS)
    assert plan == [
        Change(
            f"{ACTIONS} / Yard, {inserted['action_id']}",
            "row",
            None,
            [
                ("Status", "status", "new"),
                ("Action", "text", inserted["action_text"]),
                ("Owner", "text", "Accounting"),
                ("Due", "date", inserted["due_on"]),
                ("Impact", "money", 8800.0),
            ],
        )
    ]
    lines = describe(found, FMT)
    assert (
        f"{ACTIONS} / Yard, {inserted['action_id']}: added (Status: new; Action: "
        f"{inserted['action_text']}; Owner: Accounting; Due: {inserted['due_on']}; "
        "Impact: $8,800.00)"
    ) in lines
    # the other KPI rows and entities did not move either: only the yard's figures changed
    assert [c.where for c in in_table(found, "KPI gaps")] == ["KPI gaps / Yard, Operating expenses"]
    # (the portfolio's cash counts the entities with a cash target: the yard has none); the
    # yard's grade moved with its missed KPI, from on track to act (decision 44)
    assert [c.where for c in in_table(found, "Shortfall: revenue and cash against target")] == [
        "Shortfall: revenue and cash against target / Yard / Grade",
        "Shortfall: revenue and cash against target / Yard / Cash",
    ]
    assert not [line for line in lines if line.startswith("... and")]


def test_a_removed_action_is_one_removed_row(holdings):
    correct_the_yard(holdings)
    before = edition(holdings, "ceo")
    (load_config(holdings).data_path / "yard" / "ledger.csv").write_text(YARD, encoding="utf-8")
    after = edition(holdings, "ceo")

    [gone] = [r for r in table(before, "actions")["rows"] if r["name"] == "Yard"]
    found = changes(before, after, FMT)
    assert [(c.where, c.old is not None, c.new) for c in in_table(found, ACTIONS)] == [
        (f"{ACTIONS} / Yard, {gone['action_id']}", True, None)
    ]
    assert (
        f"{ACTIONS} / Yard, {gone['action_id']}: removed (Status: new; Action: "
        f"{gone['action_text']}; Owner: Accounting; Due: {gone['due_on']}; Impact: $8,800.00)"
    ) in describe(found, FMT)


def test_a_changed_figure_in_a_keyed_row_is_named_by_its_label_and_id(holdings):
    before = edition(holdings, "ceo")
    # the shop's rent was 700.00, not 500.00: its cash falls 200.00 further short
    ledger = load_config(holdings).data_path / "shop" / "ledger.csv"
    ledger.write_text(SHOP.replace("-500.00", "-700.00"), encoding="utf-8")
    after = edition(holdings, "ceo")

    [cash_action] = [r for r in table(after, "actions")["rows"] if r["owner_label"] == "CFO"]
    name = f"{ACTIONS} / Shop, {cash_action['action_id']}"
    found = in_table(changes(before, after, FMT), ACTIONS)
    assert [c.where for c in found] == [f"{name} / Action", f"{name} / Impact"]
    assert found[1] == Change(f"{name} / Impact", "money", 6000.0, 6200.0)
    assert f"{name} / Impact: $6,000.00 → $6,200.00" in describe(found, FMT)


def _line(change: Change) -> str:
    return describe([change], FMT)[0]


def test_a_changed_sentence_is_listed_before_and_after(holdings):
    before = edition(holdings, "cfo")
    correct_the_yard(holdings)
    after = edition(holdings, "cfo")

    # cash 4,000.00 (shop) + 19,200.00 (yard); the reserve one month of the gross burn's 3-month
    # average, rounded per entity: 500.00 / 3 = 166.67 and 800.00 / 3 = 266.67, 433.34 in all.
    # After the repair: cash 14,200.00; the yard's average (800.00 + 9,000.00) / 3 = 3,266.67.
    # March's own gross burn, which the sentence names beside the average: 500.00 + 800.00, then
    # 500.00 + 9,800.00.
    old = (
        "Cash $23,200.00; reserve $433.34: 1.0 months of the gross burn averaged over January "
        "2025 to March 2025, $433.34 a month (March 2025 alone: $1,300.00, the burn table's "
        "total); deployable $22,766.66."
    )
    new = (
        "Cash $14,200.00; reserve $3,433.34: 1.0 months of the gross burn averaged over January "
        "2025 to March 2025, $3,433.34 a month (March 2025 alone: $10,300.00, the burn table's "
        "total); deployable $10,766.66."
    )
    capital = next(s for s in before["sections"] if s["key"] == "capital")
    assert capital["lines"][0] == old
    found = changes(before, after, FMT)
    assert Change("Capital deployment", "sentence", old, new) in found
    # figures first, then sentences; the sentence is listed even with more figures than fit
    lines = describe(found, FMT)
    figures = [c for c in found if c.kind != "sentence"]
    assert len(figures) > MAX_LISTED
    # the sentences listed are the first that changed, in the report's order, each before → now
    # (the CFO's cash-flow sentences now come before the capital section's: decision 38)
    sentences_listed = [line for line in lines if line in {_line(c) for c in found}][
        MAX_LISTED - MAX_LISTED // 3 :
    ]
    assert (
        sentences_listed
        == [f'{c.where}: "{c.old}" → "{c.new}"' for c in found if c.kind == "sentence"][
            : MAX_LISTED // 3
        ]
    )
    kinds = ["sentence" if c.kind == "sentence" else "figure" for c in found]
    assert kinds == sorted(kinds)  # "figure" < "sentence"
    assert len(lines) == MAX_LISTED + 1
    # the 13-week forecast's sentences change too (decision 36): sentences keep a third of the
    # lines, the rest of both kinds are counted
    sentences = [c for c in found if c.kind == "sentence"]
    assert len(sentences) > MAX_LISTED // 3
    assert lines[-1] == (
        f"... and {len(figures) - (MAX_LISTED - MAX_LISTED // 3)} more figure(s) and "
        f"{len(sentences) - MAX_LISTED // 3} more sentence(s)."
    )


def test_an_inserted_candidate_in_the_capital_plan_is_one_added_row(holdings):
    before = edition(holdings, "cfo")
    # a quicker payback than either candidate: it ranks first, the others move down
    settings = yaml.safe_load(holdings.read_text())
    settings["cfo"]["capital_candidates"].append(
        {"name": "Card reader", "entity": "shop", "cost": 100, "monthly_return": 50}
    )
    holdings.write_text(yaml.safe_dump(settings, sort_keys=False))
    after = edition(holdings, "cfo")

    assert [r["candidate"] for r in table(after, "capital")["rows"]][0] == "Card reader"
    found = in_table(changes(before, after, FMT), "Capital deployment")
    added = [c for c in found if c.kind == "row"]
    assert [c.where for c in added] == ["Capital deployment / Card reader"]
    # no candidate is listed for its rank; the running total of the cost did move, and so did
    # the room the later candidates are decided on (decision 36): the shop is 6,000.00 below its
    # cash target, so the card reader, first by payback, takes a transfer of 6,100.00 from the
    # yard that brings the shop to its floor; the van then needs 2,000.00 instead of 8,000.00,
    # and the yard keeps 100.00 less room for the crane
    assert not [c for c in found if c.where.endswith(" / Rank")]
    assert {c.where for c in found if c.kind not in ("row", "sentence")} == {
        "Capital deployment / Second van / Cumulative cost",
        "Capital deployment / New crane / Cumulative cost",
        "Capital deployment / Second van / Room above floor",
        "Capital deployment / Second van / Transfer",
        "Capital deployment / New crane / Room above floor",
    }


def old_style(edition: dict) -> dict:
    """The edition as written before tables declared their key: no key, label or position, and
    rows holding the shown columns only."""
    old = copy.deepcopy(edition)
    for section in old["sections"]:
        for table in section["tables"]:
            shown = [c["key"] for c in table["columns"]]
            table.pop("key"), table.pop("label")
            for column in table["columns"]:
                column.pop("position")
            table["rows"] = [{k: row.get(k) for k in shown} for row in table["rows"]]
    return old


def test_an_edition_written_before_keys_still_compares(holdings):
    before = edition(holdings, "ceo")
    correct_the_yard(holdings)
    after = edition(holdings, "ceo")
    old = old_style(before)
    assert (
        "key" not in table(old, "actions") and "entity_id" not in table(old, "shortfall")["rows"][0]
    )

    found = changes(old, after, FMT)
    # the shown action id still identifies the actions; the shown names the KPIs and entities
    assert [(c.where, c.kind) for c in in_table(found, ACTIONS)] == [
        (f"{ACTIONS} / Yard, {table(after, 'actions')['rows'][0]['action_id']}", "row")
    ]
    assert [c.where for c in in_table(found, "KPI gaps")] == ["KPI gaps / Yard, Operating expenses"]
    assert found == changes(before, after, FMT)


def test_two_editions_without_keys_compare_by_the_first_column():
    def written(cash: float, rows: list[tuple[str, float]]) -> dict:
        return {
            "currency": "USD",
            "headlines": [{"label": "Cash", "kind": "money", "value": cash, "note": None}],
            "verdicts": [],
            "sections": [
                {
                    "key": "burn",
                    "title": "Burn",
                    "lines": [],
                    "empty": None,
                    "tables": [
                        {
                            "title": None,
                            "columns": [
                                {"key": "name", "label": "Entity", "kind": "text"},
                                {"key": "cash_end", "label": "Cash", "kind": "money"},
                            ],
                            "rows": [{"name": n, "cash_end": c} for n, c in rows],
                            "total": {"name": "Portfolio", "cash_end": cash},
                        }
                    ],
                }
            ],
        }

    old = written(300.0, [("Alpha", 100.0), ("Beta", 200.0)])
    new = written(350.0, [("Aardvark", 50.0), ("Alpha", 100.0), ("Beta", 200.0)])
    assert describe(changes(old, new, FMT), FMT) == [
        "Cash: $300.00 → $350.00",
        "Burn / Aardvark: added (Cash: $50.00)",
        "Burn / Portfolio / Cash: $300.00 → $350.00",
    ]


def test_the_corrected_email_names_the_inserted_action_by_its_id(holdings):
    config = load_config(holdings)
    folder = config.reports_path / MONTH

    def render() -> None:
        _, rendered = build_report(load_warehouse(holdings), holdings, "ceo", MONTH)
        rendered.write(folder)

    render()
    ledger = load_warehouse(holdings, metrics=False)
    transport = OutboxTransport(outbox_dir=str(config.outbox_path))
    kinds = {"ceo": None}
    assert deliver(ledger, config, MONTH, kinds, transport, log=lambda _: None).summary() == (
        "1 sent"
    )

    correct_the_yard(holdings)
    render()
    result = deliver(ledger, config, MONTH, kinds, transport, log=lambda _: None)
    assert result.summary() == "1 sent" and result.outcomes[0].correction

    plan = table(json.loads((folder / "ceo.json").read_text()), "actions")
    [inserted] = [r for r in plan["rows"] if r["name"] == "Yard"]
    path = config.outbox_path / MONTH / "ceo" / "ceo@example.com.edition-2.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Subject"].startswith("Corrected: ")
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content()
    listed = text.split("WHAT CHANGED\n", 1)[1].split("\n\n", 1)[0]
    added = f"  - {ACTIONS} / Yard, {inserted['action_id']}: added (Status: new; "
    assert added in listed
    assert f"{ACTIONS} / Yard, {inserted['action_id']}: added" in html
    assert "... and" not in listed
    # the shop's actions moved down a place and are not listed
    assert [line for line in listed.splitlines() if ACTIONS in line] == [
        line for line in listed.splitlines() if line.startswith(added)
    ]


def test_a_key_the_table_does_not_show_is_carried_in_the_json_only(holdings):
    after = edition(holdings, "ceo")
    shortfall = table(after, "shortfall")
    assert shortfall["key"] == ["entity_id"] and shortfall["label"] == ["name"]
    assert "entity_id" not in [c["key"] for c in shortfall["columns"]]
    assert [(r["entity_id"], r["name"]) for r in shortfall["rows"]] == [
        ("shop", "Shop"),
        ("yard", "Yard"),
    ]
    # the CSV attachment shows the columns, as before
    header, *lines = table_csv(shortfall).decode().splitlines()
    assert header.split(",") == [c["label"] for c in shortfall["columns"]]
    assert all(len(line.split(",")) == len(shortfall["columns"]) for line in lines)


def test_a_table_whose_rows_lack_their_key_is_refused():
    columns = [Column("name", "Entity"), Column("cash_end", "Cash", "money")]
    with pytest.raises(ValueError, match="'Burn': row 2 has no entity_id"):
        Table(
            columns,
            [{"entity_id": "a", "name": "A"}, {"name": "B"}],
            title="Burn",
            key=("entity_id",),
            label=("name",),
        )


def test_a_verdict_that_moved_with_its_figures_reads_before_and_after():
    # the entities are ordered by how far they are behind: the shop's verdict moved to the top
    old = {"verdicts": ["Yard: behind by $900.", "Shop: behind by $100.", "Dock: on track."]}
    new = {"verdicts": ["Shop: behind by $1,500.", "Yard: behind by $900.", "Dock: on track."]}
    assert describe(changes(old, new, FMT), FMT) == [
        'Verdict: "Shop: behind by $100." → "Shop: behind by $1,500."'
    ]
    # a sentence with nothing before it is added, one with nothing after it removed
    new = {"verdicts": ["Yard: behind by $900.", "Dock: on track.", "Pier: no data for March."]}
    assert describe(changes(old, new, FMT), FMT) == [
        'Verdict: added "Pier: no data for March."',
        'Verdict: removed "Shop: behind by $100."',
    ]
