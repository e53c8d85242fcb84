"""Report inputs' versions: a correction changes the versions of exactly the report months it
reaches, for the reports that read it, and never those of a domain report about other entities."""

from datetime import date

from conftest import load_warehouse

from exec_reporting.config import load_config
from exec_reporting.contract import table
from exec_reporting.ingest import load_table
from exec_reporting.metrics import build_all
from exec_reporting.report_inputs import input_versions
from exec_reporting.reports import specs

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
MONTHS = [date(2025, m, 1) for m in (1, 2, 3, 4)]


def versions(conn, config):
    kinds = specs()
    reads = {kind: spec.reads for kind, spec in kinds.items()}
    scopes = {kind: spec.entities(config) for kind, spec in kinds.items() if spec.entity_kind}
    return input_versions(conn, reads, MONTHS, scopes)


def test_a_correction_changes_the_versions_from_its_month_on_only(portfolio, tmp_path):
    lines = "".join(
        f"S{m},2025-0{m}-05,4000,100.00,Sale,Customer\nF{m},2025-0{m}-28,6000,-10.00,Fee,Bank\n"
        for m in (1, 2, 3, 4)
    )
    path = portfolio(
        {"shop/ledger.csv": LEDGER + lines, "flat/ledger.csv": LEDGER + lines},
        entities=[
            {"id": "shop", "name": "Shop", "kind": "hauling"},
            {"id": "flat", "name": "Flat", "kind": "rental"},
        ],
    )
    conn = load_warehouse(path)
    config = load_config(path)
    before = versions(conn, config)
    # correct the shop's February sale
    ledger = tmp_path / "data" / "shop" / "ledger.csv"
    ledger.write_text(
        ledger.read_text().replace("S2,2025-02-05,4000,100.00", "S2,2025-02-05,4000,150.00")
    )
    load_table(conn, config, table("ledger"), entities=["shop"])
    build_all(conn)
    after = versions(conn, config)
    changed = {key for key in before if before[key] != after[key]}
    assert ("cfo", "2025-01") not in changed
    assert {("cfo", "2025-02"), ("cfo", "2025-03"), ("cfo", "2025-04")} <= changed
    assert {("ceo", "2025-02")} <= changed
    # the rental report is about the flat only; logistics and agency have no entity at all
    assert not [key for key in changed if key[0] in ("rental", "logistics", "agency")]
