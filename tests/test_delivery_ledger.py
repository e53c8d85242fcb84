"""The send ledger's operator paths: an unknown outcome waits; the operator either resends it
(once) or records that it did arrive; a message too large to send is recorded as failed."""

import duckdb
from conftest import build_report, load_warehouse

from exec_reporting.config import load_config
from exec_reporting.delivery import (
    OutcomeUnknown,
    Preflight,
    deliver,
    mark_sent,
    open_messages,
    resend_open,
)
from exec_reporting.warehouse import connect

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
KINDS = {"cfo": None}


class Recorder:
    """A transport that records what it is given; `fail` makes the next sends time out."""

    name = "recorder"

    def __init__(self):
        self.sent: list[tuple[list[str], list[str]]] = []
        self.fail = 0

    def preflight(self, sender):
        return Preflight(max_send_rate=None)

    def send(self, raw, sender, to, bcc, meta):
        if self.fail:
            self.fail -= 1
            raise OutcomeUnknown("no answer in 1 s")
        self.sent.append((to, bcc))
        return f"<{len(self.sent)}@test>"


def setup(portfolio, **delivery):
    path = portfolio(
        {"shop/ledger.csv": LEDGER + "S1,2025-01-05,4000,100.00,Sale,Customer\n"},
        personas={"cfo": {"to": ["a@example.com", "b@example.com"]}},
        delivery={"sender": "reports@example.com", "bcc": ["archive@example.com"], **delivery},
    )
    conn = load_warehouse(path)
    config = load_config(path)
    _, rendered = build_report(conn, path, "cfo", "2025-01")
    rendered.write(config.reports_path / "2025-01")
    return config, conn


def test_unknown_waits_then_the_operator_marks_it_sent_or_resends_it(portfolio):
    config, conn = setup(portfolio)
    transport = Recorder()
    transport.fail = 1  # a's send times out
    first = deliver(conn, config, "2025-01", KINDS, transport, log=lambda _: None)
    assert [(o.recipient, o.status) for o in first.outcomes] == [
        ("a@example.com", "unknown"),
        ("b@example.com", "sent"),
    ]
    again = deliver(conn, config, "2025-01", KINDS, transport, log=lambda _: None)
    assert [(o.recipient, o.status) for o in again.outcomes] == [
        ("a@example.com", "waiting"),
        ("b@example.com", "skipped"),
    ]
    assert len(transport.sent) == 1  # nothing was resent on its own
    assert [r["recipient"] for r in open_messages(conn, ("pending", "unknown"))] == [
        "a@example.com"
    ]

    # the operator checked: it did arrive
    assert mark_sent(conn, period="2025-01", report="cfo", recipient="a@example.com") == 1
    assert open_messages(conn, ("pending", "unknown")) == []
    assert resend_open(conn, config, transport, log=lambda _: None).outcomes == []
    final = deliver(conn, config, "2025-01", KINDS, transport, log=lambda _: None)
    assert {o.status for o in final.outcomes} == {"skipped"}
    assert len(transport.sent) == 1


def test_resend_of_one_message_sends_exactly_that_one(portfolio):
    config, conn = setup(portfolio)
    transport = Recorder()
    transport.fail = 2
    deliver(conn, config, "2025-01", KINDS, transport, log=lambda _: None)
    assert len(open_messages(conn, ("unknown",))) == 2
    resend_open(conn, config, transport, recipient="b@example.com", log=lambda _: None)
    assert transport.sent == [(["b@example.com"], ["archive@example.com"])]
    assert [r["recipient"] for r in open_messages(conn, ("unknown",))] == ["a@example.com"]


def test_a_message_too_large_even_without_attachments_is_recorded_as_failed(portfolio):
    config, conn = setup(portfolio, max_message_bytes=1000)
    transport = Recorder()
    result = deliver(conn, config, "2025-01", KINDS, transport, log=lambda _: None)
    assert {o.status for o in result.outcomes} == {"failed"}
    rows = open_messages(conn, ("failed",))
    assert len(rows) == 2 and "over delivery.max_message_bytes" in rows[0]["error"]
    assert transport.sent == []


def test_ledger_survives_in_its_own_duckdb_file(portfolio, tmp_path):
    config, _ = setup(portfolio)
    warehouse, ledger = tmp_path / "warehouse.duckdb", tmp_path / "send-ledger.duckdb"
    with connect(warehouse, ledger) as conn:
        deliver(conn, config, "2025-01", KINDS, Recorder(), log=lambda _: None)
    # the ledger file alone holds it (its tables in its main schema), the warehouse none of it
    with duckdb.connect(str(ledger), read_only=True) as alone:
        assert alone.execute("select count(*) from messages where status = 'sent'").fetchall() == [
            (2,)
        ]
    with duckdb.connect(str(warehouse), read_only=True) as alone:
        assert alone.execute(
            "select count(*) from duckdb_tables() where database_name = current_database()"
        ).fetchall() == [(0,)]


def test_a_new_content_that_reads_the_same_sends_nothing_and_a_real_change_still_goes_out(
    portfolio,
):
    import json

    config, conn = setup(portfolio)
    transport = Recorder()
    deliver(conn, config, "2025-01", KINDS, transport, log=lambda _: None)
    assert len(transport.sent) == 2
    edition = config.reports_path / "2025-01" / "cfo.json"
    first = json.loads(edition.read_text())

    # the same report written by a newer version of the software: other bytes, same reading
    reworded = dict(first, renderer="a newer version")
    edition.write_text(json.dumps(reworded, indent=1))
    again = deliver(conn, config, "2025-01", KINDS, transport, log=lambda _: None)
    assert {o.status for o in again.outcomes} == {"unchanged"}
    assert len(transport.sent) == 2  # no empty "Corrected:" edition
    rows = conn.execute(
        "select recipient, edition, status, correction from delivery.messages "
        "where status = 'unchanged' order by recipient"
    ).fetchall()
    assert rows == [
        ("a@example.com", 1, "unchanged", False),
        ("b@example.com", 1, "unchanged", False),
    ]
    # and the next run leaves it alone
    third = deliver(conn, config, "2025-01", KINDS, transport, log=lambda _: None)
    assert {o.status for o in third.outcomes} == {"skipped"}

    # a figure a reader sees changes: one correction each, compared with what they got
    headline = next(h for h in reworded["headlines"] if h["key"] == "revenue")
    headline["value"] = 250.0
    edition.write_text(json.dumps(reworded, indent=1))
    corrected = deliver(conn, config, "2025-01", KINDS, transport, log=lambda _: None)
    assert [(o.status, o.correction) for o in corrected.outcomes] == [("sent", True)] * 2
    assert len(transport.sent) == 4
    raw = conn.execute(
        "select raw from delivery.messages where edition = 2 and recipient = 'a@example.com'"
    ).fetchall()[0][0]
    assert b"Revenue, each entity on its basis: $100.00 =E2=86=92 $250.00" in bytes(
        raw
    ) or b"Revenue, each entity on its basis: $100.00 \xe2\x86\x92 $250.00" in bytes(raw)
