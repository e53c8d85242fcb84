"""Only Dagster's public API: the definitions build with every warning an error but the named
ones below, and nothing imports Dagster's private modules (`dagster._...`), so the next Dagster
release cannot break the project without a test saying so."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import dagster as dg

from exec_reporting.config import load_config
from exec_reporting.definitions import build_definitions

REPO = Path(__file__).resolve().parent.parent

# Each warning the definitions may raise, with why it is accepted.
ALLOWED = [
    # Observable source assets (the input files, sources/<table>: their data version is a hash of
    # the files) are beta in Dagster 1.13; no stable API observes an external file's version.
    (dg.BetaWarning, r"`multi_observable_source_asset` is currently in beta"),
]


def test_the_definitions_build_with_warnings_as_errors_but_the_named_ones(portfolio):
    ledger = "txn_id,date,account_code,amount,description,counterparty\n"
    path = portfolio(
        {"shop/ledger.csv": ledger + "S1,2025-01-05,4000,100.00,Sale,Guest\n"},
        entities=[{"id": "shop", "name": "Shop", "kind": "rental"}],
        delivery={
            "transport": "ses",
            "sender": "reports@example.com",
            "ses": {"region_name": "us-east-1"},
        },
        archive={
            "publish": "s3",
            "s3": {"bucket": "acme-exec-archive", "region_name": "us-east-1"},
            "cloudfront_distribution_id": "E2EXAMPLE",
        },
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        defs = build_definitions(load_config(path))
        defs.resolve_asset_graph()
        defs.resolve_all_job_defs()
        repository = defs.get_repository_def()
        assert [s.name for s in repository.schedule_defs] == ["monthly_pack_schedule"]
        assert len(repository.sensor_defs) >= 3
        dg.Definitions.validate_loadable(defs)
    unexpected = [
        f"{w.category.__name__}: {w.message}"
        for w in caught
        if not any(
            issubclass(w.category, category) and re.search(pattern, str(w.message))
            for category, pattern in ALLOWED
        )
    ]
    assert unexpected == []


def test_no_module_imports_dagster_private_modules():
    found = []
    for folder in ("exec_reporting", "assets", "resources", "tests", "bench"):
        for path in (REPO / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if re.match(r"\s*(from|import)\s+dagster(_\w+)?\._", line):
                    found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == []


def test_pytest_hides_no_warning_globally():
    pyproject = (REPO / "pyproject.toml").read_text()
    assert "ignore::DeprecationWarning" not in pyproject
    assert "ignore::dagster.BetaWarning" not in pyproject


def test_an_observation_carries_its_data_version_where_dagster_reads_it():
    from exec_reporting.assets.events import observation

    found = observation(["inputs", "cfo"], "v1", "2025-03")
    assert (found.data_version, found.partition) == ("v1", "2025-03")
