"""A snapshot of every asset (with its group and dependencies), check, job, schedule and sensor
of the demo's definitions, so a renamed or mistyped dependency cannot pass silently (Dagster
turns an unknown `deps=` name into an external asset without complaint).

After an intended change: `UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_definitions_snapshot.py`
and review the diff of tests/snapshots/definitions.txt in the commit."""

import difflib
import os
from pathlib import Path

from exec_reporting.config import load_config
from exec_reporting.definitions import build_definitions

REPO = Path(__file__).resolve().parent.parent
SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "definitions.txt"


def describe() -> str:
    defs = build_definitions(load_config(REPO / "reporting.yaml"))
    graph = defs.resolve_asset_graph()
    lines = ["# assets: key [group] (partitioned) <- dependencies"]
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        kind = "" if node.is_executable else " external"
        if node.is_observable:
            kind = " observable"
        parts = " monthly" if node.partitions_def else ""
        deps = ", ".join(sorted(p.to_user_string() for p in node.parent_keys)) or "-"
        lines.append(f"{key.to_user_string()} [{node.group_name}]{parts}{kind} <- {deps}")
    lines.append("# checks (blocking)")
    for check in sorted(
        graph.asset_check_keys, key=lambda c: (c.asset_key.to_user_string(), c.name)
    ):
        spec = graph.get_check_spec(check)
        lines.append(
            f"{check.asset_key.to_user_string()}:{check.name}"
            + (" blocking" if spec.blocking else "")
        )
    repository = defs.get_repository_def()
    lines.append("# jobs")
    lines += sorted(job.name for job in repository.get_all_jobs() if not job.name.startswith("__"))
    lines.append("# schedules")
    lines += sorted(
        f"{s.name} {s.cron_schedule} {s.execution_timezone}" for s in repository.schedule_defs
    )
    lines.append("# sensors")
    lines += sorted(s.name for s in repository.sensor_defs)
    return "\n".join(lines) + "\n"


def test_the_definitions_match_the_snapshot():
    current = describe()
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(current)
    expected = SNAPSHOT.read_text() if SNAPSHOT.exists() else ""
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            current.splitlines(keepends=True),
            "tests/snapshots/definitions.txt",
            "the definitions now",
        )
    )
    assert not diff, (
        "The definitions changed. If that was intended, run "
        "`UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_definitions_snapshot.py` and commit the "
        "snapshot:\n" + diff
    )
