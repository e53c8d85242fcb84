"""The correction walk-through of docs/operations.md, done as the guide says, on the demo.

The demo's October pack runs through `exec-reporting run` (what `make demo` does); the guide's
edit is read from the guide itself and made to the demo's ledger; the data_dir sensor ticks and
its ingest run goes through (the bank reconciliation still holds); `exec-reporting backfill
--stale` re-renders the stale month and sends the Accounting recipients one corrected edition
that says what changed. Then the guide's "when the bank balance disagrees": an amount changed
instead holds everything back at the `reconciles` check, which names the statement date and the
difference.
"""

from __future__ import annotations

import email
import email.policy
import re
import shutil
from pathlib import Path

import dagster as dg
import pytest

from exec_reporting import cli
from exec_reporting.config import load_config
from exec_reporting.definitions import INGEST_JOB, build_definitions
from exec_reporting.demo import generate

# the slow tier: processes of their own, or whole packs through the commands on a persistent
# instance (make check leaves it out; make test runs it)
pytestmark = pytest.mark.process

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "operations.md"
MONTH = "2026-10"


def guide_edit() -> tuple[str, str]:
    """The line the guide changes, before and after, as the guide writes them."""
    section = GUIDE.read_text().split("## The correction workflow")[1].split("\n## ")[0]
    before, after = re.findall(r"```csv\n(.*?)\n```", section, re.DOTALL)[:2]
    return before, after


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("EXEC_REPORTING_CONFIG", raising=False)
    shutil.copyfile(REPO / "reporting.yaml", tmp_path / "reporting.yaml")
    generate(tmp_path / "data" / "demo")
    config_path = tmp_path / "reporting.yaml"
    assert cli.main(["--config", str(config_path), "run", "--month", MONTH]) == 0
    return load_config(config_path)


def tick_and_ingest(instance, defs, cursor):
    """One tick of watch_data_dir and its run, as the daemon does."""
    repository = defs.get_repository_def()
    sensor = repository.get_sensor_def("watch_data_dir")
    tick = sensor.evaluate_tick(
        dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=repository)
    )
    if not tick.run_requests:
        return tick.cursor, None
    (request,) = tick.run_requests
    result = defs.resolve_job_def(INGEST_JOB).execute_in_process(
        instance=instance,
        run_config=request.run_config,
        asset_selection=request.asset_selection,
        tags=request.tags,
        raise_on_error=False,
    )
    return tick.cursor, result


def check(result, name: str):
    [evaluation] = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and f"{e.event_specific_data.asset_key.to_user_string()} {e.event_specific_data.check_name}"
        == name
    ]
    return evaluation


def test_the_guide_s_correction_goes_out_as_one_corrected_accounting_edition(demo, capsys):
    config = demo
    before, after = guide_edit()
    ledger = config.data_path / "quick_dump_now" / "ledger.csv"
    assert ledger.read_text().count(before + "\n") == 1, "the guide's line is in the demo"
    sent_before = {p.relative_to(config.outbox_path) for p in config.outbox_path.rglob("*.eml")}
    defs = build_definitions(config)
    capsys.readouterr()

    with dg.DagsterInstance.get() as instance:
        cursor, nothing = tick_and_ingest(instance, defs, None)  # the first tick records
        assert nothing is None
        ledger.write_text(ledger.read_text().replace(before, after))
        cursor, result = tick_and_ingest(instance, defs, cursor)
        assert result.success
        # no cash moved: the ledger still agrees with the bank
        assert check(result, "metrics/balance_reconciliation reconciles").passed

    assert cli.main(["--config", str(config.source), "backfill", "--stale"]) == 0
    out = capsys.readouterr().out
    assert f"backfill: {MONTH}: " in out and "accounting" in out.split(f"backfill: {MONTH}: ")[1]

    new = {
        p.relative_to(config.outbox_path) for p in config.outbox_path.rglob("*.eml")
    } - sent_before
    accounting = {p for p in new if p.parts[:2] == (MONTH, "accounting")}
    assert {p.name for p in accounting} == {
        "accounting@example.com.edition-2.eml",
        "bookkeeper@example.com.edition-2.eml",
    }
    for path in accounting:
        message = email.message_from_bytes(
            (config.outbox_path / path).read_bytes(), policy=email.policy.default
        )
        assert str(message["Subject"]).startswith("Corrected: Executive Report: Accounting")
        text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert "WHAT CHANGED" in text
        assert "Lines on unmapped codes: 3 → 2" in text


def test_when_the_bank_disagrees_the_reconciliation_holds_everything_and_says_where(demo):
    config = demo
    before, _ = guide_edit()
    wrong = before.replace(",-72.15,", ",-72.51,")
    ledger = config.data_path / "quick_dump_now" / "ledger.csv"
    original = ledger.read_text()
    defs = build_definitions(config)
    with dg.DagsterInstance.get() as instance:
        cursor, _ = tick_and_ingest(instance, defs, None)
        ledger.write_text(original.replace(before, wrong))
        cursor, result = tick_and_ingest(instance, defs, cursor)
        assert not result.success
        evaluation = check(result, "metrics/balance_reconciliation reconciles")
        assert not evaluation.passed
        first = evaluation.metadata["sample"].value[0]
        # the first statement after the wrong line, and the amount to look for
        assert (first["entity_id"], first["statement_date"]) == ("quick_dump_now", "2026-07-31")
        assert first["difference"] == "0.36"
        materialized = {e.asset_key for e in result.get_asset_materialization_events()}
        assert dg.AssetKey(["metrics", "report_inputs"]) not in materialized

        # the guide's first answer: the bank is right, fix the ledger line
        ledger.write_text(original)
        _, result = tick_and_ingest(instance, defs, cursor)
        assert result.success
        assert check(result, "metrics/balance_reconciliation reconciles").passed
