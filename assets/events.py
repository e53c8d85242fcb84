"""An observation that carries a data version.

Dagster stores an observation's data version in the tag `dagster/data_version`: it is what
`AssetObservation.data_version` reads and what staleness compares. AssetObservation has no
parameter for it (only ObserveResult has, and that one cannot name a partition), so a step that
observes other assets' partitions, or a sensor, sets the tag; tests/test_dagster_api.py checks
that Dagster still reads it there.
"""

import dagster as dg

DATA_VERSION_TAG = "dagster/data_version"


def observation(
    key: dg.AssetKey | list[str], version: str, partition: str | None = None
) -> dg.AssetObservation:
    return dg.AssetObservation(asset_key=key, partition=partition, tags={DATA_VERSION_TAG: version})
