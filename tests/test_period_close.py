"""Period close: a month's pack goes out when every entity's data covers the month (the latest
date its files cover through: a statement's end, a ledger line, a bank balance), or the month is
closed in reporting.yaml. Otherwise it is held, a state and not a failure: the run succeeds,
delivery's materialization says who is missing what, the CEO report of a later month lists it,
`exec-reporting run` exits with its own code, and the schedule tries again every day until
`period_close.deadline_day`; from then on it goes out marked Preliminary and the owner gets the
alert."""

import email
import email.policy
import os
import shutil
from datetime import UTC, date, datetime

import dagster as dg
import pytest
from conftest import write_portfolio

from exec_reporting import cli
from exec_reporting import period_close as close_rules
from exec_reporting.assets.delivery import RUN_DATE_TAG
from exec_reporting.config import load_config
from exec_reporting.definitions import INGEST_JOB, MONTHLY_JOB, build_definitions
from exec_reporting.warehouse import connect

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
FILES = {
    "shop/ledger.csv": LEDGER
    + "S1,2025-01-05,4000,100.00,Sale,Customer\n"
    + "S2,2025-01-31,6000,-10.00,Fee,Bank\n"
    + "S3,2025-02-05,4000,100.00,Sale,Customer\n"
    + "S4,2025-02-28,6000,-10.00,Fee,Bank\n",
    # the cafe's export stops in the middle of February
    "cafe/ledger.csv": LEDGER
    + "C1,2025-01-05,4000,50.00,Sale,Guest\n"
    + "C2,2025-01-31,6000,-5.00,Fee,Bank\n"
    + "C3,2025-02-10,4000,50.00,Sale,Guest\n",
}
ENTITIES = [
    {"id": "shop", "name": "The Shop", "kind": "hauling", "opening_cash": 0},
    {"id": "cafe", "name": "The Cafe", "kind": "charter", "opening_cash": 0},
]
PERSONAS = {"ceo": {"to": ["ceo@example.com"]}, "cfo": {"to": ["cfo@example.com"]}}
# Days the runs judge period close by: before and on February's deadline (March 10).
BEFORE_DEADLINE = "2025-03-04"
ON_DEADLINE = "2025-03-10"


def run(config_path, instance, month, on=BEFORE_DEADLINE):
    job = build_definitions(load_config(config_path)).resolve_job_def(MONTHLY_JOB)
    return job.execute_in_process(
        instance=instance,
        partition_key=month,
        raise_on_error=False,
        tags={RUN_DATE_TAG: on} if on else None,
    )


def delivery_metadata(result) -> dict:
    (materialization,) = result.asset_materializations_for_node("delivery__emails")
    return {
        key: getattr(value, "value", getattr(value, "text", value))
        for key, value in materialization.metadata.items()
    }


def failed_steps(result) -> list[str]:
    return [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]


def emails(outbox, month) -> list[str]:
    return sorted(p.name for p in (outbox / month).rglob("*.eml"))


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def subjects(outbox, month) -> set[str]:
    return {str(parse(p.read_bytes())["Subject"]) for p in (outbox / month).rglob("*.eml")}


def test_a_month_the_data_does_not_cover_is_held_then_listed_then_sent_when_closed(tmp_path):
    config_path = write_portfolio(
        tmp_path, FILES, ENTITIES, personas=PERSONAS, first_month="2025-01"
    )
    outbox = load_config(config_path).outbox_path
    with dg.DagsterInstance.ephemeral() as instance:
        # January is covered by both ledgers: it goes out
        january = run(config_path, instance, "2025-01")
        assert january.success
        assert delivery_metadata(january)["period_close"] == "covered"
        assert emails(outbox, "2025-01") == ["ceo@example.com.eml", "cfo@example.com.eml"]

        # February: the cafe's ledger ends on the 10th. The run succeeds (a held pack is a
        # state, not a failure), the reports are rendered, nothing is sent, and the
        # materialization of delivery/emails says who is missing what
        held = run(config_path, instance, "2025-02")
        assert held.success and failed_steps(held) == []
        metadata = delivery_metadata(held)
        assert metadata["period_close"] == "held"
        reason = metadata["period_close_reason"]
        assert "holding the 2025-02 pack, nothing sent" in reason
        assert "The Cafe's data runs through 2025-02-10 (cafe/ledger.csv, its latest line)" in (
            reason
        )
        assert "closed_months" in reason and "2025-03-10" in reason
        assert [m["entity"] for m in metadata["missing"]] == ["The Cafe"]
        assert not (outbox / "2025-02").exists()
        cfo = (tmp_path / "state" / "reports" / "2025-02" / "cfo.txt").read_text()
        assert "PRELIMINARY: the data does not cover February 2025 yet for The Cafe" in cfo

        # the CEO report of a later month lists the held pack (March has no data at all, so it
        # is held too, but its CEO report is rendered first)
        assert run(config_path, instance, "2025-03", on="2025-04-02").success
        ceo = (tmp_path / "state" / "reports" / "2025-03" / "ceo.txt").read_text()
        assert "PACKS HELD BACK: DATA MISSING" in ceo
        assert "February 2025" in ceo and "The Cafe" in ceo and "2025-02-10" in ceo

        # the owner closes February: its pack goes out as it is (not Preliminary: the owner
        # said nothing more is coming), and it is no longer listed as held
        config_text = config_path.read_text()
        config_path.write_text(config_text + "closed_months: ['2025-02']\n")
        closed = run(config_path, instance, "2025-02")
        assert closed.success and delivery_metadata(closed)["period_close"] == "closed"
        assert emails(outbox, "2025-02") == ["ceo@example.com.eml", "cfo@example.com.eml"]
        assert not any(s.startswith("Preliminary") for s in subjects(outbox, "2025-02"))
        run(config_path, instance, "2025-03", on="2025-04-02")
        ceo = (tmp_path / "state" / "reports" / "2025-03" / "ceo.txt").read_text()
        assert "February 2025" not in ceo.split("SHORTFALL")[0]


# -- what says how far an entity's data reaches ------------------------------------------------

OFX_HEADER = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

"""


def statement(ends: str, lines: list[tuple[str, str, str, str]], balance: str) -> str:
    """An SGML bank statement from February 1 to `ends` (YYYYMMDD), its transactions
    (date, amount, id, payee) and its closing balance."""
    transactions = "".join(
        f"<STMTTRN>\n<TRNTYPE>OTHER\n<DTPOSTED>{day}120000\n<TRNAMT>{amount}\n<FITID>{fitid}\n"
        f"<NAME>{payee}\n</STMTTRN>\n"
        for day, amount, fitid, payee in lines
    )
    return (
        OFX_HEADER
        + "<OFX>\n<SIGNONMSGSRSV1>\n<SONRS>\n<STATUS>\n<CODE>0\n<SEVERITY>INFO\n</STATUS>\n"
        + f"<DTSERVER>{ends}120000\n<LANGUAGE>ENG\n</SONRS>\n</SIGNONMSGSRSV1>\n"
        + "<BANKMSGSRSV1>\n<STMTTRNRS>\n<TRNUID>1\n<STATUS>\n<CODE>0\n<SEVERITY>INFO\n"
        + "</STATUS>\n<STMTRS>\n<CURDEF>USD\n<BANKACCTFROM>\n<BANKID>121000358\n"
        + "<ACCTID>4444\n<ACCTTYPE>CHECKING\n</BANKACCTFROM>\n<BANKTRANLIST>\n"
        + f"<DTSTART>20250201\n<DTEND>{ends}\n{transactions}</BANKTRANLIST>\n"
        + f"<LEDGERBAL>\n<BALAMT>{balance}\n<DTASOF>{ends}\n</LEDGERBAL>\n"
        + "</STMTRS>\n</STMTTRNRS>\n</BANKMSGSRSV1>\n</OFX>\n"
    )


HAULER_LINES = [
    ("20250203", "900.00", "F1", "CUSTOMER HAUL"),
    ("20250220", "-150.00", "F2", "CITY DUMP"),
]
RULES = "rules:\n  - match: customer\n    account: '4000'\n  - match: dump\n    account: '5000'\n"


def hauler_portfolio(tmp_path, statement_ends: str, **overrides):
    """The shop, covered, and a hauler fed by a bank statement whose last line is on February
    20 and which ends on `statement_ends`."""
    files = {
        "shop/ledger.csv": FILES["shop/ledger.csv"],
        "hauler/rules.yaml": RULES,
        "hauler/bank/2025-02.ofx": statement(statement_ends, HAULER_LINES, "750.00"),
    }
    entities = [
        ENTITIES[0],
        {
            "id": "hauler",
            "name": "The Hauler",
            "kind": "hauling",
            "opening_cash": 0,
            "sources": [{"format": "ofx", "path": "bank/*.ofx"}],
        },
    ]
    return write_portfolio(
        tmp_path, files, entities, personas=PERSONAS, first_month="2025-01", **overrides
    )


def coverage(config_path) -> dict[str, tuple]:
    config = load_config(config_path)
    with connect(config.warehouse_path, config.send_ledger_path) as conn:
        rows = conn.execute(
            "select entity_id, covers_through, source_file, covers_basis, last_ledger_date "
            "from metrics.coverage"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_a_statement_that_ends_on_the_months_last_day_covers_the_month(tmp_path):
    config_path = hauler_portfolio(tmp_path, statement_ends="20250228")
    outbox = load_config(config_path).outbox_path
    with dg.DagsterInstance.ephemeral() as instance:
        result = run(config_path, instance, "2025-02")
    assert result.success
    assert delivery_metadata(result)["period_close"] == "covered"
    # the hauler's last line is on the 20th; its statement says nothing more happened
    assert coverage(config_path)["hauler"] == (
        date(2025, 2, 28),
        "hauler/bank/2025-02.ofx",
        "stated",
        date(2025, 2, 20),
    )
    assert emails(outbox, "2025-02") == ["ceo@example.com.eml", "cfo@example.com.eml"]
    assert not any(s.startswith("Preliminary") for s in subjects(outbox, "2025-02"))
    # every report's notes on the data say how far each entity's data reaches
    for name in ("cfo.txt", "ceo.md", "accounting.html"):
        text = (tmp_path / "state" / "reports" / "2025-02" / name).read_text()
        assert "The Hauler" in text and "2025-02-28" in text
    cfo = (tmp_path / "state" / "reports" / "2025-02" / "cfo.txt").read_text()
    # one line within the plain text's 78 characters (decision 40)
    assert "The Hauler: data through 2025-02-28; last ledger line 2025-02-20\n" in cfo


def test_a_bank_balance_dated_the_months_last_day_covers_the_month(tmp_path):
    files = {
        "shop/ledger.csv": FILES["shop/ledger.csv"],
        # quiet after the 20th; the bank statement's balance of the 28th says so
        "cafe/ledger.csv": LEDGER
        + "C1,2025-02-05,4000,50.00,Sale,Guest\n"
        + "C2,2025-02-20,6000,-5.00,Fee,Bank\n",
        "cafe/balances.csv": "date,balance\n2025-02-28,45.00\n",
    }
    config_path = write_portfolio(
        tmp_path, files, ENTITIES, personas=PERSONAS, first_month="2025-01"
    )
    with dg.DagsterInstance.ephemeral() as instance:
        result = run(config_path, instance, "2025-02")
    assert result.success and delivery_metadata(result)["period_close"] == "covered"
    assert coverage(config_path)["cafe"] == (
        date(2025, 2, 28),
        "cafe/balances.csv",
        "latest_row",
        date(2025, 2, 20),
    )


def test_a_statement_that_ends_on_the_20th_holds_the_pack_and_the_cli_says_so(
    tmp_path, monkeypatch, capsys
):
    config_path = hauler_portfolio(tmp_path, statement_ends="20250220")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EXEC_REPORTING_CONFIG", raising=False)
    # the command judges the deadline by today: make today a day before February's deadline
    monkeypatch.setattr(close_rules, "today", lambda config: date(2025, 3, 4))
    code = cli.main(["--config", str(config_path), "run", "--month", "2025-02"])
    out = capsys.readouterr().out
    assert code == cli.EXIT_PACK_HELD == 4
    assert "succeeded" in out
    assert "holding the 2025-02 pack, nothing sent" in out
    assert (
        "The Hauler's data runs through 2025-02-20 (hauler/bank/2025-02.ofx, the statement's end)"
        in out
    )
    config = load_config(config_path)
    assert not (config.outbox_path / "2025-02").exists()
    # the run is a success on the instance, and its delivery materialization carries the reason
    with dg.DagsterInstance.from_config(str(config.dagster_home)) as instance:
        (record,) = instance.fetch_materializations(
            dg.AssetRecordsFilter(
                asset_key=dg.AssetKey(["delivery", "emails"]), asset_partitions=["2025-02"]
            ),
            limit=1,
        ).records
        run_record = instance.get_run_by_id(record.run_id)
        assert run_record.status == dg.DagsterRunStatus.SUCCESS
        metadata = record.asset_materialization.metadata
        assert metadata["period_close"].value == "held"
        assert "The Hauler's data runs through 2025-02-20" in metadata["period_close_reason"].text
    with connect(config.warehouse_path, config.send_ledger_path) as conn:
        held = conn.execute(
            "select period, entity_id, covers_through, source_file from delivery.held_periods"
        ).fetchall()
    assert held == [("2025-02", "hauler", date(2025, 2, 20), "hauler/bank/2025-02.ofx")]


def test_a_held_pack_is_tried_every_day_then_goes_out_preliminary_and_the_owner_is_alerted(
    tmp_path,
):
    """The schedule's ticks and the runs they ask for, in the order they happen: held before
    the deadline, asked for again the next day, Preliminary on the deadline (with the owner's
    alert), then skipped; a retry sends nothing again."""
    config_path = hauler_portfolio(
        tmp_path,
        statement_ends="20250220",
        delivery={
            "transport": "outbox",
            "sender": "reports@example.com",
            "outbox_dir": "state/outbox",
            "alerts_to": ["owner@example.com"],
        },
    )
    outbox = load_config(config_path).outbox_path
    defs = build_definitions(load_config(config_path))
    schedule = defs.resolve_schedule_def("monthly_pack_schedule")
    assert schedule.cron_schedule == "0 7 1-10 * *"
    (tmp_path / "dagster").mkdir()
    # a schedule's context needs an instance it can reach again: a persistent one
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:

        def tick(day: str):
            moment = datetime.fromisoformat(f"{day}T15:00:00").replace(tzinfo=UTC)
            with dg.build_schedule_context(
                instance=instance,
                scheduled_execution_time=moment,
                repository_def=defs.get_repository_def(),
            ) as context:
                return schedule.evaluate_tick(context)

        first = tick("2025-03-01")
        (request,) = first.run_requests
        assert request.partition_key == "2025-02"
        assert request.tags[RUN_DATE_TAG] == "2025-03-01"

        # the pack is held before the deadline: nothing goes out
        held = run(config_path, instance, "2025-02", on="2025-03-09")
        assert delivery_metadata(held)["period_close"] == "held"
        assert not (outbox / "2025-02").exists()
        # the next day's tick asks again, under its own run key
        (again,) = tick("2025-03-02").run_requests
        assert again.run_key != request.run_key and again.tags[RUN_DATE_TAG] == "2025-03-02"

        # on the deadline it goes out marked Preliminary, and the owner is alerted
        late = run(config_path, instance, "2025-02", on=ON_DEADLINE)
        assert late.success
        metadata = delivery_metadata(late)
        assert metadata["period_close"] == "preliminary"
        assert "went out marked Preliminary" in metadata["period_close_reason"]
        reports = [p for p in (outbox / "2025-02").rglob("*.eml") if "alert" not in str(p)]
        assert sorted(p.name for p in reports) == ["ceo@example.com.eml", "cfo@example.com.eml"]
        for path in reports:
            message = parse(path.read_bytes())
            assert message["Subject"].startswith("Preliminary: Executive Report: ")
            text = message.get_body(("plain",)).get_content()
            assert "PRELIMINARY: the data does not cover February 2025 yet for The Hauler" in text
            assert "data through 2025-02-20 (hauler/bank/2025-02.ofx" in text
            html = message.get_body(("html",)).get_content()
            assert "<strong>Preliminary:</strong>" in html
        (alert,) = (outbox / "2025-02" / "alert-preliminary").glob("*.eml")
        assert alert.name == "owner@example.com.eml"
        alert_message = parse(alert.read_bytes())
        assert "the 2025-02 pack went out Preliminary" in alert_message["Subject"]
        alert_text = alert_message.get_body(("plain",)).get_content()
        assert "The Hauler's data runs through 2025-02-20" in alert_text
        assert "closed_months" in alert_text

        # once it went out the ticks skip it
        skipped = tick("2025-03-10")
        assert skipped.run_requests == [] and "went out (preliminary)" in skipped.skip_message

        # a retry of the run sends nothing again: neither the reports nor the alert
        first_sent = {p: p.stat().st_mtime_ns for p in (outbox / "2025-02").rglob("*.eml")}
        retry = run(config_path, instance, "2025-02", on="2025-03-11")
        assert retry.success and delivery_metadata(retry)["sent"] == 0
        assert {p: p.stat().st_mtime_ns for p in (outbox / "2025-02").rglob("*.eml")} == first_sent


# -- first sight of a file ---------------------------------------------------------------------


def file_load(config_path, source_file):
    config = load_config(config_path)
    with connect(config.warehouse_path, config.send_ledger_path) as conn:
        return conn.execute(
            "select sha256, first_seen_at, modified_at, covers_through, covers_basis "
            "from ingest.file_loads where source_file = ?",
            [source_file],
        ).fetchone()


def test_a_copy_of_the_same_bytes_does_not_move_first_sight_forward(tmp_path):
    files = {
        "shop/ledger.csv": FILES["shop/ledger.csv"],
        # an entity with no movement at all: its export has a header only
        "vault/ledger.csv": LEDGER,
    }
    entities = [ENTITIES[0], {"id": "vault", "name": "The Vault", "kind": "holding"}]
    config_path = write_portfolio(tmp_path, files, entities, first_month="2025-01")
    ledger = tmp_path / "data" / "vault" / "ledger.csv"
    # written on March 1 (in the portfolio's Los Angeles time)
    written = datetime(2025, 3, 1, 18, 0, tzinfo=UTC).timestamp()
    os.utime(ledger, (written, written))
    job = build_definitions(load_config(config_path)).resolve_job_def(INGEST_JOB)
    with dg.DagsterInstance.ephemeral() as instance:
        assert job.execute_in_process(instance=instance).success
        sha, first_seen, modified, covers, basis = file_load(config_path, "vault/ledger.csv")
        assert modified == datetime(2025, 3, 1, 10, 0)
        # no dated row: the file vouches for the days before it was written
        assert (covers, basis) == (date(2025, 2, 28), "modified")
        assert coverage(config_path)["vault"][:3] == (
            date(2025, 2, 28),
            "vault/ledger.csv",
            "modified",
        )

        # the same bytes copied over it months later: a fresh modification time, same sight
        copy = tmp_path / "copy.csv"
        shutil.copyfile(ledger, copy)
        later = datetime(2025, 6, 15, 18, 0, tzinfo=UTC).timestamp()
        os.utime(copy, (later, later))
        os.replace(copy, ledger)
        assert job.execute_in_process(instance=instance).success
        assert file_load(config_path, "vault/ledger.csv") == (
            sha,
            first_seen,
            modified,
            date(2025, 2, 28),
            "modified",
        )

        # a changed file is new bytes: seen anew, with its own modification time
        ledger.write_text(LEDGER.replace("\n", "\r\n"), encoding="utf-8")
        os.utime(ledger, (later, later))
        assert job.execute_in_process(instance=instance).success
        new_sha, new_first_seen, new_modified, new_covers, _ = file_load(
            config_path, "vault/ledger.csv"
        )
        assert new_sha != sha and new_first_seen >= first_seen
        assert new_modified == datetime(2025, 6, 15, 11, 0)
        assert new_covers == date(2025, 6, 14)


@pytest.mark.parametrize(
    ("period", "deadline"), [("2025-02", date(2025, 3, 10)), ("2025-12", date(2026, 1, 10))]
)
def test_the_deadline_is_deadline_day_of_the_next_month(tmp_path, period, deadline):
    config = load_config(write_portfolio(tmp_path, FILES, ENTITIES))
    assert close_rules.deadline(config, period) == deadline
