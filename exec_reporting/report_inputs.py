"""The data version of each report's inputs, month by month.

A report for a month reads rows of several tables. Its inputs' version for the month is a hash of
those rows (for the twelve months up to it, the longest history a report shows), of the tables it
reads that have no month (whole), and of the notes every report carries (what the data is as of,
the quarantined rows). After a correction, exactly the report months whose inputs changed get a
new version, so Dagster marks only them as stale.
"""

from __future__ import annotations

from datetime import date

from exec_reporting.sqlfiles import create_table_as, execute, query

# What every report shows besides its own tables (report/common.py data_notes).
NOTES = ("as_of", "quarantine")
# raw.ledger is read for the "as of" dates only: as_of stands for it, month by month.
REPLACED = {"raw.ledger": "as_of"}


def _columns(conn, table: str) -> set[str]:
    schema, _, name = table.partition(".")
    rows = conn.execute(
        "select column_name from information_schema.columns where table_schema = $s "
        "and table_name = $t",
        {"s": schema, "t": name},
    ).fetchall()
    return {row[0] for row in rows}


def input_versions(
    conn,
    reads: dict[str, tuple[str, ...]],
    months: list[date],
    scopes: dict[str, list[str]] | None = None,
) -> dict[tuple[str, str], str]:
    """{(report kind, "YYYY-MM"): version} for the given report months. `scopes` gives the
    entities a domain report is about: it takes only their rows."""
    conn.execute("create or replace temp table report_months (month date)")
    conn.executemany("insert into report_months values (?)", [(m,) for m in months])
    conn.execute("create or replace temp table report_reads (kind varchar, table_name varchar)")
    pairs = sorted(
        {(kind, REPLACED.get(t, t)) for kind, tables in reads.items() for t in (*tables, *NOTES)}
    )
    conn.executemany("insert into report_reads values (?, ?)", pairs)
    conn.execute("create or replace temp table report_scope (kind varchar, entity_id varchar)")
    # a kind with no entity still gets a row (entity NULL): it is scoped, to nothing
    scope_rows = [
        (kind, e) for kind, entities in (scopes or {}).items() for e in (entities or [None])
    ]
    if scope_rows:
        conn.executemany("insert into report_scope values (?, ?)", scope_rows)
    conn.execute(
        "create or replace temp table input_hashes "
        "(table_name varchar, month date, entity_id varchar, h varchar)"
    )
    for table in sorted({t for _, t in pairs} - {"as_of", "quarantine"}):
        columns = _columns(conn, table)
        if "month" in columns:
            sql = (
                "meta/table_month_entity_hashes"
                if "entity_id" in columns
                else "meta/table_month_hashes"
            )
            create_table_as(conn, "month_hashes", sql, temp=True, table_name=table)
            conn.execute("insert into input_hashes select * from month_hashes")
        else:
            version = query(conn, "meta/content_version", table_name=table)[0]["version"]
            conn.execute(
                "insert into input_hashes values ($t, null, null, $h)", {"t": table, "h": version}
            )
    for name in ("meta/as_of_hashes", "meta/quarantine_hash"):
        create_table_as(conn, "note_hashes", name, temp=True)
        conn.execute("insert into input_hashes select * from note_hashes")
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
    conn.execute("begin transaction")
    try:
        conn.execute("delete from meta.report_input_versions where instance = $i", {"i": instance})
        if versions:
            conn.executemany(
                "insert into meta.report_input_versions values (?, ?, ?, ?)",
                [(instance, kind, period, v) for (kind, period), v in sorted(versions.items())],
            )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
