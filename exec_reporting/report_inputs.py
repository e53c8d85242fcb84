"""The data version of each report's inputs, month by month, and which rendered report months
are stale.

A report for a month reads rows of the tables its SQL files name (exec_reporting/reports/spec.py).
Its inputs' version for the month is a hash of those rows (for the twelve months up to it, the
longest history a report shows) and of the tables it reads that have no month (whole). A few
tables are hashed by what the reports say of them rather than whole (HASHED_BY): the ledger by
each entity's "data as of" and the coverage by how far each entity's data reaches up to the
month's end, the quarantine without its timestamps, the held packs by month.
After a correction, exactly the report months whose inputs changed get a new version.

A rendered report month records the input version and the code version it was made from
(meta.report_renders); it is stale when either has changed since. The same versions are what
Dagster compares (the data version of inputs/<report> and the report asset's code_version), so
`exec-reporting backfill --stale` and the UI agree.
"""

from __future__ import annotations

from datetime import date

from exec_reporting.sqlfiles import execute, insert_into, query

# Tables hashed by what the reports show of them, by the SQL file that hashes them: reports read
# raw.ledger and metrics.coverage only for the "data as of" dates (the ledger's figures come
# through the metric store).
HASHED_BY = {
    "raw.ledger": "meta/as_of_hashes",
    "metrics.coverage": "meta/coverage_hashes",
    "quarantine.rows": "meta/quarantine_hash",
    "ingest.file_loads": "meta/files_present_hashes",
    "delivery.held_periods": "meta/held_periods_hashes",
    # one row per report: each report takes its own settings
    "config.report_settings": "meta/report_settings_hashes",
}


def _columns(conn, table: str) -> set[str]:
    schema, _, name = table.partition(".")
    rows = query(conn, "meta/table_columns", schema_name=schema, table_name=name)
    return {row["column_name"] for row in rows}


def input_versions(
    conn,
    reads: dict[str, tuple[str, ...]],
    months: list[date],
    scopes: dict[str, list[str | None]] | None = None,
) -> dict[tuple[str, str], str]:
    """{(report kind, "YYYY-MM"): version} for the given report months. `scopes` gives the
    entities a domain report is about: it takes only their rows."""
    pairs = sorted({(kind, table) for kind, tables in reads.items() for table in tables})
    execute(
        conn,
        "meta/version_inputs",
        months=list(months),
        reads=[{"kind": kind, "table_name": table} for kind, table in pairs],
        scopes=[
            {"kind": kind, "entity_id": entity}
            for kind, entities in sorted((scopes or {}).items())
            for entity in (entities or [None])
        ],
    )
    for table in sorted({t for _, t in pairs}):
        if table in HASHED_BY:
            insert_into(conn, "input_hashes", HASHED_BY[table])
            continue
        columns = _columns(conn, table)
        if "month" in columns:
            sql = (
                "meta/table_month_entity_hashes"
                if "entity_id" in columns
                else "meta/table_month_hashes"
            )
            insert_into(conn, "input_hashes", sql, table_name=table)
        else:
            insert_into(conn, "input_hashes", "meta/table_content_hash", table_name=table)
    return {
        (r["kind"], f"{r['month'].year:04d}-{r['month'].month:02d}"): r["version"]
        for r in query(conn, "meta/report_input_versions")
    }


def changed_versions(
    conn, instance: str, versions: dict[tuple[str, str], str]
) -> dict[tuple[str, str], str]:
    """The versions that differ from those last recorded for this Dagster instance (all of them
    on a new instance)."""
    execute(conn, "meta/report_input_versions_schema")
    known = {
        (r["kind"], r["period"]): r["version"]
        for r in query(conn, "meta/known_report_input_versions", instance=instance)
    }
    return {key: v for key, v in versions.items() if known.get(key) != v}


def record_versions(conn, instance: str, versions: dict[tuple[str, str], str]) -> None:
    """Record the versions observed on this instance, in place of the last ones. Called after
    the observations are logged: a crash in between observes them again next time."""
    execute(conn, "meta/report_input_versions_schema")
    conn.execute("begin transaction")
    try:
        execute(
            conn,
            "meta/record_report_input_versions",
            instance=instance,
            versions=[
                {"kind": kind, "period": period, "version": version}
                for (kind, period), version in sorted(versions.items())
            ],
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def record_render(conn, instance: str, kind: str, period: str, code_version: str) -> None:
    """Note that a report month was rendered now, from its current inputs, with this code."""
    execute(conn, "meta/report_input_versions_schema")
    execute(
        conn,
        "meta/record_render",
        instance=instance,
        kind=kind,
        period=period,
        code_version=code_version,
    )


def stale_reports(conn, instance: str, code_versions: dict[str, str]) -> dict[str, list[str]]:
    """{month: [report kinds]} of the rendered report months that are stale on this instance
    (none before the first render). Reads only: works on a read-only connection."""
    if not query(conn, "meta/renders_recorded")[0]["recorded"]:
        return {}
    rows = query(
        conn,
        "meta/stale_reports",
        instance=instance,
        code_versions=[{"kind": k, "code_version": v} for k, v in sorted(code_versions.items())],
    )
    stale: dict[str, list[str]] = {}
    for row in rows:
        stale.setdefault(row["period"], []).append(row["kind"])
    return stale


def input_version_rows(conn, instance: str) -> dict[tuple[str, str], str]:
    """{(kind, period): version} last recorded on this instance (read only)."""
    if not query(conn, "meta/renders_recorded")[0]["recorded"]:
        return {}
    return {
        (r["kind"], r["period"]): r["version"]
        for r in query(conn, "meta/known_report_input_versions", instance=instance)
    }
