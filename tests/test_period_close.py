"""Period close: a month's pack goes out only when every entity's data covers the month (or the
month is closed in reporting.yaml); otherwise delivery waits, says which entity is missing what,
and the CEO report of a later month lists it."""

import dagster as dg
from conftest import write_portfolio

from exec_reporting.config import load_config
from exec_reporting.definitions import MONTHLY_JOB, build_definitions

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


def run(config_path, instance, month):
    job = build_definitions(load_config(config_path)).resolve_job_def(MONTHLY_JOB)
    return job.execute_in_process(instance=instance, partition_key=month, raise_on_error=False)


def failure_of(result, step):
    event = next(
        e for e in result.all_events if e.event_type_value == "STEP_FAILURE" and e.step_key == step
    )
    error = event.step_failure_data.error
    while error.cause is not None:
        error = error.cause
    return error.message


def test_a_month_the_data_does_not_cover_is_held_then_listed_then_sent_when_closed(tmp_path):
    config_path = write_portfolio(
        tmp_path,
        FILES,
        ENTITIES,
        personas={"ceo": {"to": ["ceo@example.com"]}, "cfo": {"to": ["cfo@example.com"]}},
        first_month="2025-01",
    )
    outbox = load_config(config_path).outbox_path
    (tmp_path / "dagster").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        # January is covered by both ledgers: it goes out
        assert run(config_path, instance, "2025-01").success
        assert sorted(p.name for p in (outbox / "2025-01").rglob("*.eml")) == [
            "ceo@example.com.eml",
            "cfo@example.com.eml",
        ]
        # February: the cafe's ledger ends on the 10th. The reports are rendered, nothing is sent
        held = run(config_path, instance, "2025-02")
        assert not held.success
        failed = [e.step_key for e in held.all_events if e.event_type_value == "STEP_FAILURE"]
        assert failed == ["delivery__emails"]
        reason = failure_of(held, "delivery__emails")
        assert "holding the 2025-02 pack, nothing sent" in reason
        assert "The Cafe's ledger ends 2025-02-10" in reason
        assert "closed_months" in reason
        assert not (outbox / "2025-02").exists()
        assert (tmp_path / "state" / "reports" / "2025-02" / "cfo.html").exists()

        # the CEO report of a later month lists the held pack (March has no data at all, so it
        # is held too, but its CEO report is rendered first)
        run(config_path, instance, "2025-03")
        ceo = (tmp_path / "state" / "reports" / "2025-03" / "ceo.txt").read_text()
        assert "PACKS HELD BACK: DATA MISSING" in ceo
        assert "February 2025" in ceo and "The Cafe" in ceo and "2025-02-10" in ceo

        # the owner closes February: its pack goes out, and it is no longer listed as held
        config_text = config_path.read_text()
        config_path.write_text(config_text + "closed_months: ['2025-02']\n")
        assert run(config_path, instance, "2025-02").success
        assert sorted(p.name for p in (outbox / "2025-02").rglob("*.eml")) == [
            "ceo@example.com.eml",
            "cfo@example.com.eml",
        ]
        run(config_path, instance, "2025-03")
        ceo = (tmp_path / "state" / "reports" / "2025-03" / "ceo.txt").read_text()
        assert "February 2025" not in ceo.split("SHORTFALL")[0]
