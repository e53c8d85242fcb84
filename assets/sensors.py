"""Sensors: `watch_data_dir` watches the input files and starts ingest for the entity whose file
changed; `rerender_stale_reports` proposes the runs that re-render exactly the stale report
months. (The run-failure alert is in assets/alerts.py.)"""

import hashlib
import json
import time

import dagster as dg
import duckdb

from exec_reporting.assets.events import observation
from exec_reporting.config import ReportingConfig
from exec_reporting.contract import TABLES
from exec_reporting.ingest import table_version
from exec_reporting.report_inputs import input_version_rows, stale_reports


def build_data_dir_sensor(config: ReportingConfig, ingest_job):
    @dg.sensor(
        name="watch_data_dir",
        job=ingest_job,
        minimum_interval_seconds=config.sensors.interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Watches the input files (SHA-256 of each): when one changes, runs ingest "
        "for that table and entity, and the metric store after it. Nothing runs when nothing "
        "changed. The first evaluation only records what is there.",
    )
    def watch_data_dir(context: dg.SensorEvaluationContext):
        current = {table.name: table_version(config, table) for table in TABLES}
        files = {name: hashes for name, (_, hashes) in current.items()}
        previous = _read_cursor(context.cursor)
        if previous is None:
            # the change count starts from the clock, so it never repeats one of an earlier
            # cursor (a sensor reset) either
            cursor = _cursor(int(time.time()), files)
            return dg.SensorResult(skip_reason="recorded the files as they are", cursor=cursor)
        changed: dict[str, list[str]] = {}
        for name, hashes in files.items():
            before = previous["files"].get(name, {})
            moved = sorted(
                f for f in hashes.keys() | before.keys() if hashes.get(f) != before.get(f)
            )
            if moved:
                changed[name] = moved
        if not changed:
            return dg.SensorResult(
                skip_reason="no input file changed", cursor=_cursor(previous["changes"], files)
            )
        # Every change gets a run key of its own: the count of changes seen, plus what the files
        # are now. Putting a file back the way it was is a change too, and must load again (a
        # key made of the files alone would repeat an earlier run's key, and Dagster would skip
        # the run). Re-evaluating the same tick after a crash gives the same key: no double run.
        changes = previous["changes"] + 1
        cursor = _cursor(changes, files)
        table_config = {}
        for name, moved in changed.items():
            # "<entity>/<table>.csv": reload that entity; the shared chart reloads whole
            entities = sorted({f.split("/")[0] for f in moved if "/" in f})
            table_config[f"raw__{name}"] = {"config": {"entities": entities}}
        selection = [dg.AssetKey(["raw", name]) for name in changed]
        summary = "; ".join(f"{', '.join(moved)}" for moved in changed.values())
        context.log.info(f"change {changes}: {summary}")
        files_hash = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key=f"change-{changes}-{files_hash[:12]}",
                    run_config={"ops": table_config},
                    asset_selection=[
                        *selection,
                        *downstream_of(context.repository_def.asset_graph, selection),
                    ],
                    tags={"exec_reporting/changed_files": summary[:250]},
                )
            ],
            asset_events=[observation(["sources", name], current[name][0]) for name in changed],
            cursor=cursor,
        )

    return watch_data_dir


def _cursor(changes: int, files: dict) -> str:
    return json.dumps({"changes": changes, "files": files}, sort_keys=True)


def _read_cursor(cursor: str | None) -> dict | None:
    """The sensor's cursor: how many changes it has seen and every file's SHA-256. A cursor of
    an earlier version (the files alone) counts as zero changes."""
    if not cursor:
        return None
    data = json.loads(cursor)
    if "files" in data and "changes" in data:
        return data
    return {"changes": 0, "files": data}


def downstream_of(graph, keys: list[dg.AssetKey]) -> list[dg.AssetKey]:
    """The executable ingest and metric assets downstream of `keys`: the metric store and the
    report inputs' observer (reports are not re-rendered here: they turn stale instead)."""
    found = (
        dg.AssetSelection.assets(*keys).downstream(include_self=False)
        & dg.AssetSelection.groups("ingest", "metrics")
    ).resolve(graph)
    return sorted((key for key in found if graph.get(key).is_executable), key=str)


def build_stale_reports_sensor(
    config: ReportingConfig,
    job,
    code_versions: dict[str, str],
    archive: list[dg.AssetKey] | None = None,
):
    """Proposes one run per month with stale reports: those reports, the archive (`archive`:
    rebuilt and published, so the corrections' links open the corrected pages) and the month's
    delivery."""

    @dg.sensor(
        name="rerender_stale_reports",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Exactly the report months that are stale (their inputs or their code "
        "changed since they were rendered): one run per month, those reports, the archive and "
        "the month's delivery, which sends a `Corrected:` edition where the content changed. "
        "Stopped: "
        "**Test sensor** lists the runs and launches them on your word; switch it on to "
        "re-render stale months on its own. The same as `exec-reporting backfill --stale`.",
    )
    def rerender_stale_reports(context: dg.SensorEvaluationContext):
        if not config.warehouse_path.exists():
            return dg.SkipReason("no warehouse yet: nothing was rendered")
        try:
            with duckdb.connect(str(config.warehouse_path), read_only=True) as conn:
                stale = stale_reports(conn, str(context.instance.root_directory), code_versions)
                versions = input_version_rows(conn, str(context.instance.root_directory))
        except duckdb.IOException as error:
            return dg.SkipReason(f"the warehouse is busy (a run holds it), next tick: {error}")
        if not stale:
            return dg.SkipReason("no rendered report month is stale")
        requests = []
        for month, kinds in sorted(stale.items()):
            state = json.dumps([[k, versions.get((k, month)), code_versions.get(k)] for k in kinds])
            requests.append(
                dg.RunRequest(
                    # the same stale state never launches twice; a new correction does
                    run_key=f"stale-{month}-{hashlib.sha256(state.encode()).hexdigest()[:12]}",
                    partition_key=month,
                    asset_selection=[
                        *(dg.AssetKey(["reports", kind]) for kind in kinds),
                        *(archive or []),
                        dg.AssetKey(["delivery", "emails"]),
                    ],
                    tags={"exec_reporting/backfill": "stale"},
                )
            )
        return requests

    return rerender_stale_reports
