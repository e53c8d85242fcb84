"""The outbox transport's files and index, and the run-failure alert through a real Dagster
instance."""

from __future__ import annotations

import email
import email.policy
import re
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
from conftest import build_report, load_warehouse, write_portfolio

from exec_reporting.config import load_config
from exec_reporting.definitions import MONTHLY_JOB, build_definitions, build_mailer
from exec_reporting.delivery import deliver
from exec_reporting.resources.mail import OutboxTransport
from exec_reporting.warehouse import connect

MONTH = "2025-03"
BCC = ["archive@example.com", "auditor@example.com"]
LEDGER_HEADER = "txn_id,date,account_code,amount,description,counterparty\n"
SHOP = (
    LEDGER_HEADER
    + "S1,2025-01-03,3000,5000.00,Owner contribution,Owner\n"
    + "S2,2025-01-05,4000,1200.00,Sales,Customers\n"
    + "S3,2025-02-06,6000,-800.00,Rent,Landlord\n"
    + "S4,2025-03-05,4000,400.00,Sales,Customers\n"
    + "S5,2025-03-06,6000,-800.00,Rent,Landlord\n"
)


def parse(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


class _Rows(HTMLParser):
    """The table rows of the outbox's index.html: cell texts, and the link of each row."""

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []
        self._cells: list[str] | None = None
        self._href: str | None = None
        self.heading = ""
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._cells, self._href = [], None
        elif tag == "td" and self._cells is not None:
            self._cells.append("")
        elif tag == "a":
            self._href = dict(attrs)["href"]
        elif tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag == "tr" and self._cells:
            self.rows.append({"cells": self._cells, "href": self._href})
            self._cells = None
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.heading += data
        elif self._cells:
            self._cells[-1] += data


def index_rows(outbox: Path) -> tuple[str, list[dict]]:
    parser = _Rows()
    parser.feed((outbox / "index.html").read_text(encoding="utf-8"))
    keys = ("month", "report", "edition", "to", "bcc", "subject", "bytes")
    rows = [{**dict(zip(keys, r["cells"], strict=True)), "href": r["href"]} for r in parser.rows]
    return parser.heading, rows


def render(config_path: Path, kinds: tuple[str, ...]) -> None:
    config = load_config(config_path)
    conn = load_warehouse(config_path)
    for kind in kinds:
        _, edition = build_report(conn, config_path, kind, MONTH)
        edition.write(config.reports_path / MONTH)


def test_the_outbox_writes_one_eml_per_recipient_and_lists_each_with_its_bcc(portfolio, tmp_path):
    config_path = portfolio(
        {"shop/ledger.csv": SHOP},
        personas={
            "cfo": {"to": ["cfo@example.com", "partner@example.com"]},
            "ceo": {"to": ["ceo@example.com"]},
        },
        delivery={
            "transport": "outbox",
            "sender": "reports@example.com",
            "bcc": BCC,
            "outbox_dir": "state/outbox",
        },
        # the shop's March stops on the 6th: closed by the owner, its reports are final (not
        # Preliminary), which is what this test's subjects are about
        closed_months=[MONTH],
    )
    config = load_config(config_path)
    render(config_path, ("cfo", "ceo"))
    outbox = config.outbox_path
    transport = build_mailer(config)
    assert isinstance(transport, OutboxTransport)
    kinds = {"cfo": None, "ceo": None}
    ledger = connect(":memory:", ":memory:")
    result = deliver(ledger, config, MONTH, kinds, transport, log=lambda _: None)
    assert result.summary() == "3 sent"

    files = sorted(p.relative_to(outbox).as_posix() for p in outbox.rglob("*.eml"))
    assert files == [
        "2025-03/ceo/ceo@example.com.eml",
        "2025-03/cfo/cfo@example.com.eml",
        "2025-03/cfo/partner@example.com.eml",
    ]
    for name in files:
        path = outbox / name
        message = parse(path)
        assert str(message["To"]) == path.name.removesuffix(".eml")
        assert message["Bcc"] is None
        for address in BCC:
            assert address.encode() not in path.read_bytes()

    heading, rows = index_rows(outbox)
    assert heading == 'Outbox: 3 message(s) "sent"'
    assert sorted(r["href"] for r in rows) == files
    for row in rows:
        assert row["bcc"] == ", ".join(BCC)
        assert row["month"] == MONTH and row["edition"] == "1"
        message = parse(outbox / row["href"])
        assert row["to"] == str(message["To"])
        assert row["subject"] == str(message["Subject"])
        assert row["report"] == row["href"].split("/")[1]
        assert int(row["bytes"].replace(",", "")) == (outbox / row["href"]).stat().st_size

    # a correction of the CFO report: a second edition beside the first, which stays as sent
    first = {name: (outbox / name).read_bytes() for name in files}
    ledger_file = Path(config.data_path / "shop" / "ledger.csv")
    ledger_file.write_text(SHOP + "S6,2025-03-20,4000,250.00,Late sale,Customers\n")
    render(config_path, ("cfo",))  # the CEO report's files stay as they were
    result = deliver(ledger, config, MONTH, kinds, transport, log=lambda _: None)
    assert result.summary() == "2 sent, 1 skipped"
    assert {name: (outbox / name).read_bytes() for name in files} == first
    corrected = sorted(p.relative_to(outbox).as_posix() for p in outbox.rglob("*.edition-2.eml"))
    assert corrected == [
        "2025-03/cfo/cfo@example.com.edition-2.eml",
        "2025-03/cfo/partner@example.com.edition-2.eml",
    ]
    message = parse(outbox / corrected[0])
    assert str(message["Subject"]).startswith("Corrected: Executive Report: CFO - ")
    assert message["Bcc"] is None
    assert "WHAT CHANGED" in message.get_body(("plain",)).get_content()

    heading, rows = index_rows(outbox)
    assert heading == 'Outbox: 5 message(s) "sent"'
    assert sorted(r["href"] for r in rows) == sorted(files + corrected)
    assert {r["href"]: r["edition"] for r in rows if r["edition"] == "2"} == dict.fromkeys(
        corrected, "2"
    )
    assert all(r["bcc"] == ", ".join(BCC) for r in rows)

    # and nothing more when nothing changed
    result = deliver(ledger, config, MONTH, kinds, transport, log=lambda _: None)
    assert result.summary() == "3 skipped"
    assert len(list(outbox.rglob("*.eml"))) == 5


def test_a_failed_run_emails_the_failing_step_the_reason_and_a_link_to_alerts_to(tmp_path):
    # ledger.csv without its account_code column: raw__ledger fails
    config_path = write_portfolio(
        tmp_path,
        {"shop/ledger.csv": "txn_id,date,amount,description,counterparty\nS1,2025-01-03,5,x,y\n"},
        delivery={
            "transport": "outbox",
            "sender": "reports@example.com",
            "bcc": ["archive@example.com"],
            "outbox_dir": "state/outbox",
            "alerts_to": ["admin@example.com", "oncall@example.com"],
            "dagster_ui_url": "https://dagster.example.com/",
        },
    )
    config = load_config(config_path)
    defs = build_definitions(config)
    job = defs.resolve_job_def(MONTHLY_JOB)
    sensor = defs.resolve_sensor_def("alert_on_run_failure")
    assert sensor.required_resource_keys == {"mailer"}
    mailer = defs.resources["mailer"]
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance, partition_key="2025-01", raise_on_error=False
        )
        assert not result.success
        run = instance.get_run_by_id(result.run_id)
        assert run.status == dg.DagsterRunStatus.FAILURE
        context = dg.build_run_status_sensor_context(
            sensor_name=sensor.name,
            dagster_instance=instance,
            dagster_run=run,
            dagster_event=result.get_run_failure_event(),
            resources={"mailer": mailer},
        )
        sensor(context)

        # with nobody to tell, nothing is sent
        quiet = config.model_copy(
            update={"delivery": config.delivery.model_copy(update={"alerts_to": []})}
        )
        quiet_defs = build_definitions(quiet)
        quiet_sensor = quiet_defs.resolve_sensor_def("alert_on_run_failure")
        quiet_sensor(
            dg.build_run_status_sensor_context(
                sensor_name=quiet_sensor.name,
                dagster_instance=instance,
                dagster_run=run,
                dagster_event=result.get_run_failure_event(),
                resources={"mailer": OutboxTransport(outbox_dir=str(tmp_path / "quiet"))},
            )
        )
        assert not list((tmp_path / "quiet").rglob("*.eml"))

    [path] = list(config.outbox_path.rglob("*.eml"))
    raw = path.read_bytes()
    message = parse(path)
    # to delivery.alerts_to, nobody else
    assert str(message["To"]) == "admin@example.com, oncall@example.com"
    assert message["Bcc"] is None and b"archive@example.com" not in raw
    assert " ".join(str(message["Subject"]).split()) == (
        "exec-reporting: monthly_pack for 2025-01 failed at raw__ledger - Test Holdings"
    )
    text = message.get_body(("plain",)).get_content()
    assert "Failed step: raw__ledger" in text
    reason = re.search(r"Reason: (.*)", text, re.DOTALL).group(1)
    assert "ledger.csv: line 1: missing required column(s) account_code" in reason
    link = f"https://dagster.example.com/runs/{result.run_id}"
    assert f"Open the run: {link}" in text
    html = message.get_body(("html",)).get_content()
    assert f"href='{link}'" in html or f'href="{link}"' in html
    assert "raw__ledger" in html and "missing required column(s) account_code" in html
    # and the outbox lists it with its envelope
    _, rows = index_rows(config.outbox_path)
    assert [(r["to"], r["bcc"]) for r in rows] == [("admin@example.com, oncall@example.com", "")]
