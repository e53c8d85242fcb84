"""Asset check results from check files (exec_reporting/checks.py): what the UI shows of a
check, its failing rows and, for a graded check, the tolerated ones."""

from typing import Any

import dagster as dg

from exec_reporting.checks import CheckOutcome


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v if v is None or isinstance(v, bool | int | float | str) else str(v)
        for k, v in row.items()
    }


def asset_check_result(
    check_name: str, outcome: CheckOutcome, asset_key: dg.AssetKey | None = None
) -> dg.AssetCheckResult:
    metadata: dict[str, Any] = {
        "failing_rows": outcome.failures,
        "sample": dg.MetadataValue.json([_jsonable(r) for r in outcome.sample]),
    }
    if outcome.tolerated is not None:
        metadata["tolerated_rows"] = outcome.tolerated
        metadata["tolerated_sample"] = dg.MetadataValue.json(
            [_jsonable(r) for r in outcome.tolerated_sample]
        )
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=check_name,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata=metadata,
    )
