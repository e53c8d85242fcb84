"""Quality gates: the blocking checks of the input tables (sql/checks/raw/) and the bank
reconciliation, each on a small fixture, passing and failing; then through a real Dagster
instance, a failing one holds the reports and delivery back and the run-failure alert names it."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date
from decimal import Decimal

import dagster as dg
import pytest
from conftest import load_warehouse, rows, write_portfolio

from exec_reporting.assets.ingest import check_results, raw_check_description, raw_checks
from exec_reporting.config import load_config
from exec_reporting.contract import TABLES, table
from exec_reporting.definitions import MONTHLY_JOB, build_definitions
from exec_reporting.metrics import build, relation, run_check

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
SHOP = [
    "S1,2025-01-03,3000,5000.00,Owner contribution,Owner",
    "S2,2025-01-05,4000,1200.00,Sales,Customers",
    "S3,2025-01-06,6000,-800.00,Rent,Landlord",
    "S4,2025-02-05,4000,900.00,Sales,Customers",
    "S5,2025-02-06,6000,-800.00,Rent,Landlord",
    "S6,2025-03-05,4000,400.00,Sales,Customers",
    "S7,2025-03-06,6000,-800.00,Rent,Landlord",
    "S8,2025-03-31,6100,-50.00,Software,Acme",
]
ENTITIES = [{"id": "shop", "name": "The Shop", "kind": "hauling", "opening_cash": 1000}]
BOOKINGS = "booking_id,channel,booked_on,service_date,amount,paid_on,status\n"
MONTH = "2025-03"


def ledger(*extra: str) -> str:
    return LEDGER + "\n".join([*SHOP, *extra]) + "\n"


def value(result: dg.AssetCheckResult, key: str):
    found = result.metadata[key]
    return found.value if hasattr(found, "value") else found


def checks_of(config_path, table_name: str) -> dict[str, dg.AssetCheckResult]:
    conn = load_warehouse(config_path, metrics=False)
    results = check_results(conn, load_config(config_path), table(table_name))
    conn.close()
    return {result.check_name: result for result in results}


# -- which checks run where -----------------------------------------------------------------------


def test_every_input_table_has_its_checks_each_with_a_description():
    assert {t.name: list(raw_checks(t)) for t in TABLES} == {
        "chart_of_accounts": ["has_revenue_account", "quarantined_share"],
        "ledger": ["duplicate_txn_ids", "quarantined_share"],
        **{
            name: ["quarantined_share"]
            for name in (
                "balances",
                "bookings",
                "invoices",
                "channels",
                "assets",
                "stack",
                "budget",
            )
        },
    }
    for t in TABLES:
        for sql_name in raw_checks(t).values():
            description = raw_check_description(sql_name)
            assert description.endswith(".") and len(description) > 20, sql_name
    assert relation("balance_reconciliation").checks == ["reconciles"]
    assert relation("balance_reconciliation").owner == "cfo"


def test_the_ingest_assets_carry_their_checks_as_blocking(portfolio):
    defs = build_definitions(load_config(portfolio({"shop/ledger.csv": ledger()}, ENTITIES)))
    specs = {
        (spec.asset_key.to_user_string(), spec.name): spec
        for assets_def in defs.assets
        if isinstance(assets_def, dg.AssetsDefinition)
        for spec in assets_def.check_specs
    }
    for t in TABLES:
        for check, sql_name in raw_checks(t).items():
            spec = specs[(f"raw/{t.name}", check)]
            assert spec.blocking, (t.name, check)
            assert spec.description == raw_check_description(sql_name)
    assert specs[("metrics/balance_reconciliation", "reconciles")].blocking


# -- quarantined_share ----------------------------------------------------------------------------


def test_quarantined_share_passes_up_to_the_configured_maximum(portfolio):
    # 2 of the 10 rows read are quarantined: a share of 0.2, allowed when the maximum is 0.2
    path = portfolio(
        {
            "shop/ledger.csv": ledger(
                "S9,2025-03-40,4000,1.00,Bad date,X", "S10,2025-03-10,4000,$5,Bad,X"
            )
        },
        ENTITIES,
        quality={"max_quarantined_share": 0.2},
    )
    result = checks_of(path, "ledger")["quarantined_share"]
    assert result.passed
    assert value(result, "failing_rows") == 0 and value(result, "sample") == []


def test_quarantined_share_fails_above_the_maximum_and_shows_the_table(portfolio):
    path = portfolio(
        {
            "shop/ledger.csv": ledger(),
            "shop/bookings.csv": BOOKINGS
            + "B1,web,2025-01-02,2025-01-20,300.00,2025-01-02,confirmed\n"
            + "B2,web,2025-01-03,2025-02-30,300.00,,confirmed\n"
            + "B3,web,2025-01-04,2025-01-21,300,,maybe\n"
            + "B4,web,2025-01-05,2025-01-22,300.00,,confirmed\n",
        },
        ENTITIES,
        quality={"max_quarantined_share": 0.25},
    )
    bookings = checks_of(path, "bookings")["quarantined_share"]
    assert not bookings.passed
    # one failing row per quarantined row: where it is and why, with the table's share
    assert value(bookings, "failing_rows") == 2
    share = {
        "table_name": "bookings",
        "rows_read": 4,
        "rows_quarantined": 2,
        "quarantined_share": 0.5,
        "max_quarantined_share": "0.2500",
        "files": "shop/bookings.csv: 2 / 4",
    }
    assert value(bookings, "sample") == [
        {
            "source_file": "shop/bookings.csv",
            "line": 3,
            "column_name": "service_date",
            "value": "2025-02-30",
            "reason": "not a real date: expected an ISO date YYYY-MM-DD",
            **share,
        },
        {
            "source_file": "shop/bookings.csv",
            "line": 4,
            "column_name": "status",
            "value": "maybe",
            "reason": "expected one of confirmed, cancelled, refunded",
            **share,
        },
    ]
    # the ledger, with nothing quarantined, passes
    assert checks_of(path, "ledger")["quarantined_share"].passed


def test_the_default_maximum_is_five_percent(portfolio):
    # 1 of 8 + 1 rows quarantined: 11 % > 5 %
    path = portfolio({"shop/ledger.csv": ledger("S9,2025-03-40,4000,1.00,Bad date,X")}, ENTITIES)
    assert load_config(path).quality.max_quarantined_share == Decimal("0.05")
    result = checks_of(path, "ledger")["quarantined_share"]
    assert not result.passed
    assert value(result, "sample")[0]["files"] == "shop/ledger.csv: 1 / 9"


# -- has_revenue_account --------------------------------------------------------------------------


def test_has_revenue_account_passes_with_one(portfolio):
    path = portfolio({"shop/ledger.csv": ledger()}, ENTITIES)
    result = checks_of(path, "chart_of_accounts")["has_revenue_account"]
    assert result.passed and value(result, "failing_rows") == 0


def test_has_revenue_account_fails_when_none_loaded(portfolio):
    # the only revenue account is misspelt, so it is quarantined: no revenue account loaded
    chart = (
        "code,name,type,behavior\n1000,Bank,asset,\n4000,Sales,revenu,\n6000,Rent,expense,fixed\n"
    )
    path = portfolio({"shop/ledger.csv": ledger()}, ENTITIES, chart=chart)
    result = checks_of(path, "chart_of_accounts")["has_revenue_account"]
    assert not result.passed
    assert value(result, "failing_rows") == 1
    assert value(result, "sample") == [{"accounts_loaded": 2, "types_loaded": "asset, expense"}]


# -- duplicate_txn_ids ----------------------------------------------------------------------------


def test_an_exact_repeat_is_tolerated_and_counted(portfolio):
    # S2 exported twice (the amount written without its decimals: the same amount); the same
    # txn_id in another entity is no duplicate at all
    path = portfolio(
        {
            "shop/ledger.csv": ledger("S2,2025-01-05,4000,1200,Sales,Customers"),
            "cafe/ledger.csv": LEDGER + "S2,2025-02-01,4000,3000.00,Sales,Guests\n",
        },
        [*ENTITIES, {"id": "cafe", "name": "Cafe", "kind": "charter"}],
        quality={"max_quarantined_share": 0.5},
    )
    result = checks_of(path, "ledger")["duplicate_txn_ids"]
    assert result.passed
    assert value(result, "failing_rows") == 0 and value(result, "sample") == []
    assert value(result, "tolerated_rows") == 1
    [repeat] = value(result, "tolerated_sample")
    assert (repeat["entity_id"], repeat["txn_id"], repeat["differs_in"]) == ("shop", "S2", "")
    assert (repeat["loaded_line"], repeat["quarantined_line"]) == (3, 10)


def test_a_txn_id_used_for_two_different_lines_fails(portfolio):
    path = portfolio(
        {
            "shop/ledger.csv": ledger(
                "S3,2025-03-20,6000,-950.00,Rent,Landlord",  # a different rent payment
                "S1,2025-01-03,3000,5000.00,Owner contribution,Owner",  # an exact repeat
            )
        },
        ENTITIES,
        quality={"max_quarantined_share": 0.5},
    )
    result = checks_of(path, "ledger")["duplicate_txn_ids"]
    assert not result.passed
    assert value(result, "failing_rows") == 1
    assert value(result, "sample") == [
        {
            "entity_id": "shop",
            "txn_id": "S3",
            "source_file": "shop/ledger.csv",
            "loaded_line": 4,
            "quarantined_line": 10,
            "differs_in": "date, amount",
            "loaded_values": "2025-01-06 6000 -800.00 Rent / Landlord",
            "quarantined_values": "2025-03-20 6000 -950.00 Rent / Landlord",
        }
    ]
    assert value(result, "tolerated_rows") == 1
    assert value(result, "tolerated_sample")[0]["txn_id"] == "S1"


@pytest.mark.parametrize(
    ("line", "differs_in"),
    [
        ("S2,2025-01-05,4100,1200.00,Sales,Customers", "account_code"),
        ("S2,2025-01-05,4000,1200.00,Sales (web),Customers", "description"),
        ("S2,2025-01-05,4000,1200.00,Sales,", "counterparty"),
    ],
)
def test_each_column_that_differs_is_named(portfolio, line, differs_in):
    path = portfolio({"shop/ledger.csv": ledger(line)}, ENTITIES)
    result = checks_of(path, "ledger")["duplicate_txn_ids"]
    assert not result.passed
    assert [row["differs_in"] for row in value(result, "sample")] == [differs_in]


# -- balance_reconciliation -----------------------------------------------------------------------


def reconciliation(config_path):
    conn = load_warehouse(config_path, metrics=False)
    build(conn, relation("balance_reconciliation"))
    found = rows(conn, "select * from metrics.balance_reconciliation")
    result = run_check(conn, relation("balance_reconciliation"), "reconciles")
    conn.close()
    return found, result


def test_balances_that_reconcile_pass(portfolio):
    # opening 1000; January +5400 (S1-S3), February +100, March -450
    path = portfolio(
        {
            "shop/ledger.csv": ledger(),
            "shop/balances.csv": "date,balance\n"
            "2024-12-31,1000.00\n"  # before the first line: the opening cash
            "2025-01-31,6400.00\n"
            "2025-02-05,7300\n"  # mid-month, after S4
            "2025-02-28,6500.00\n"
            "2025-03-31,6050.00\n",
        },
        ENTITIES,
    )
    found, (failures, sample) = reconciliation(path)
    assert [
        (r["statement_date"].isoformat(), r["ledger_cash"], r["difference"]) for r in found
    ] == [
        ("2024-12-31", Decimal("1000.00"), Decimal("0.00")),
        ("2025-01-31", Decimal("6400.00"), Decimal("0.00")),
        ("2025-02-05", Decimal("7300.00"), Decimal("0.00")),
        ("2025-02-28", Decimal("6500.00"), Decimal("0.00")),
        ("2025-03-31", Decimal("6050.00"), Decimal("0.00")),
    ]
    assert found[2]["month"].isoformat() == "2025-02-01"
    assert (failures, sample) == (0, [])


def test_balances_that_do_not_reconcile_fail_with_the_dates(portfolio):
    path = portfolio(
        {
            "shop/ledger.csv": ledger(),
            "shop/balances.csv": "date,balance\n2025-01-31,6400.00\n2025-03-31,6049.99\n",
        },
        ENTITIES,
    )
    _, (failures, sample) = reconciliation(path)
    assert failures == 1
    assert sample == [
        {
            "entity_id": "shop",
            "statement_date": date(2025, 3, 31),
            "statement_balance": Decimal("6049.99"),
            "ledger_cash": Decimal("6050.00"),
            "difference": Decimal("-0.01"),
        }
    ]


def test_without_a_balances_file_the_relation_is_empty_and_the_check_passes(portfolio):
    found, result = reconciliation(portfolio({"shop/ledger.csv": ledger()}, ENTITIES))
    assert found == []
    assert result == (0, [])


# -- through a real Dagster instance --------------------------------------------------------------


def run_month(tmp_path, files: dict[str, str], held_back: bool = True, **overrides):
    """Run the monthly pack for MONTH on a test instance, check that it failed (and, when
    `held_back`, that no report or email was written), then evaluate the run-failure sensor as
    the daemon would. Returns (config, result, the asset keys materialized)."""
    config_path = write_portfolio(
        tmp_path,
        files,
        ENTITIES,
        personas={"cfo": {"to": ["cfo@example.com"]}, "ceo": {"to": ["ceo@example.com"]}},
        delivery={
            "transport": "outbox",
            "sender": "reports@example.com",
            "outbox_dir": "state/outbox",
            "alerts_to": ["admin@example.com"],
        },
        **overrides,
    )
    config = load_config(config_path)
    defs = build_definitions(config)
    job = defs.resolve_job_def(MONTHLY_JOB)
    sensor = defs.resolve_sensor_def("alert_on_run_failure")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance, partition_key=MONTH, raise_on_error=False
        )
        run = instance.get_run_by_id(result.run_id)
        materialized = {
            key.to_user_string()
            for key in [
                dg.AssetKey(["delivery", "emails"]),
                *(dg.AssetKey(["reports", kind]) for kind in ("cfo", "ceo", "accounting")),
                dg.AssetKey(["metrics", "burn"]),
            ]
            if instance.get_latest_materialization_event(key) is not None
        }
        assert run.status == dg.DagsterRunStatus.FAILURE
        if held_back:  # no report and no email for the month
            assert not (config.reports_path / MONTH).exists()
            assert not list(config.outbox_path.rglob("*.eml"))
        sensor(
            dg.build_run_status_sensor_context(
                sensor_name=sensor.name,
                dagster_instance=instance,
                dagster_run=run,
                dagster_event=result.get_run_failure_event(),
                resources={"mailer": defs.resources["mailer"]},
            )
        )
    return config, result, materialized


def check_evaluations(result) -> dict[str, object]:
    return {
        f"{e.event_specific_data.asset_key.to_user_string()} {e.event_specific_data.check_name}": (
            e.event_specific_data
        )
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def started(result) -> set[str]:
    """The steps of the run that started (a step downstream of a failed one never does)."""
    return {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}


def alert_text(config) -> tuple[str, str]:
    """The subject and text of the one alert in the outbox (reports are filed under MONTH)."""
    [path] = [
        p
        for p in config.outbox_path.rglob("*.eml")
        if MONTH not in p.relative_to(config.outbox_path).parts
    ]
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert str(message["To"]) == "admin@example.com"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    return " ".join(str(message["Subject"]).split()), text


def test_a_conflicting_txn_id_holds_the_reports_and_delivery_back_and_the_alert_names_it(
    tmp_path,
):
    config, result, materialized = run_month(
        tmp_path,
        {"shop/ledger.csv": ledger("S7,2025-03-07,6000,-80.00,Rent,Landlord")},
        quality={"max_quarantined_share": 0.5},
    )
    assert not result.success
    # the ledger loaded (and its materialization records it), its check failed, and nothing
    # downstream of it ran: no metric, no report, no delivery for the month
    assert materialized == set()
    evaluations = check_evaluations(result)
    failed = sorted(name for name, e in evaluations.items() if not e.passed)
    assert failed == ["raw/ledger duplicate_txn_ids"]
    [row] = evaluations["raw/ledger duplicate_txn_ids"].metadata["sample"].value
    assert (row["txn_id"], row["differs_in"], row["quarantined_line"]) == ("S7", "date, amount", 10)
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "raw__ledger"
    assert started(result).isdisjoint(
        {
            "metric_store",
            "metrics__report_inputs",
            "reports__cfo",
            "reports__ceo",
            "delivery__emails",
        }
    )

    subject, text = alert_text(config)
    assert subject.startswith(f"exec-reporting: monthly_pack for {MONTH} failed at raw__ledger")
    assert "Failed check: raw/ledger duplicate_txn_ids" in text
    assert re.search(r"Failed step: raw__ledger\n  Reason: .*blocking asset check", text)


def test_a_quarantined_share_above_the_maximum_holds_the_reports_back(tmp_path):
    config, result, materialized = run_month(
        tmp_path,
        {
            "shop/ledger.csv": ledger(),
            "shop/bookings.csv": BOOKINGS
            + "B1,web,2025-01-02,2025-01-20,300.00,2025-01-02,confirmed\n"
            + "B2,web,2025-01-03,2025-02-30,300.00,,confirmed\n",
        },
        quality={"max_quarantined_share": 0.25},
    )
    assert not result.success
    # the metric store is one step, and part of it reads bookings: none of it runs
    assert materialized == set()
    failed = sorted(name for name, e in check_evaluations(result).items() if not e.passed)
    assert failed == ["raw/bookings quarantined_share"]
    [row] = check_evaluations(result)["raw/bookings quarantined_share"].metadata["sample"].value
    assert row["files"] == "shop/bookings.csv: 1 / 2"
    assert started(result).isdisjoint(
        {"metric_store", "metrics__report_inputs", "reports__cfo", "delivery__emails"}
    )

    subject, text = alert_text(config)
    assert "failed at raw__bookings" in subject
    assert "Failed check: raw/bookings quarantined_share" in text


def test_balances_that_do_not_reconcile_hold_the_reports_back_and_the_alert_names_the_check(
    tmp_path,
):
    # the CFO report reads metrics.balance_reconciliation, so every report (through the report
    # inputs' step) is downstream of its blocking check: none is rendered, nothing is sent
    config, result, materialized = run_month(
        tmp_path,
        {
            "shop/ledger.csv": ledger(),
            "shop/balances.csv": "date,balance\n2025-02-28,6500.00\n2025-03-31,6150.00\n",
        },
    )
    assert not result.success
    # the metric store ran (the check is on one of its relations); nothing after it did
    assert materialized == {"metrics/burn"}
    assert started(result).isdisjoint(
        {"metrics__report_inputs", "reports__cfo", "delivery__emails"}
    )
    failed = sorted(name for name, e in check_evaluations(result).items() if not e.passed)
    assert failed == ["metrics/balance_reconciliation reconciles"]
    evaluation = check_evaluations(result)["metrics/balance_reconciliation reconciles"]
    [row] = evaluation.metadata["sample"].value
    assert (row["statement_date"], row["difference"]) == ("2025-03-31", "100.00")

    _, text = alert_text(config)
    assert "Failed check: metrics/balance_reconciliation reconciles" in text
