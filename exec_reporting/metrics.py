"""The metric store: its relations, what each is built from, and building them.

Every relation is one SQL file, sql/metrics/<name>.sql, a SELECT that becomes the table
metrics.<name>. Adding a relation is adding a file: the registry is read from the files.
A file starts with a comment saying what the relation is (`-- metrics.<name>: ...`) and a line
`-- owner: <persona>`; the tables it reads (raw.*, config.*, metrics.*) are found in its SQL.
Its checks are the files sql/checks/<name>__<check>.sql: each selects the rows that break a
rule, so a check passes when it returns nothing. Its grain is declared once, beside the SQL, in
the spirit of dbt's `unique` test: a line `-- grain: entity_id, month` (the columns no two rows
share) gives it the generated check `grain`, and a line `-- series: every` (or an entity kind,
`-- series: rental`) makes that check also require one row for every month of the entities'
series (metrics.entity_months). Definitions: docs/metrics.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

from exec_reporting.checks import CheckOutcome, run_check_file
from exec_reporting.sqlfiles import (
    SQL_DIR,
    create_table_as,
    files_version,
    header_comment,
    query,
    sql_path,
    tables_named,
)

METRICS_DIR = SQL_DIR / "metrics"
_OWNER = re.compile(r"^--\s*owner:\s*([a-z]+)\s*$", re.MULTILINE)
_GRAIN = re.compile(r"^--\s*grain:\s*([a-z_, ]+?)\s*$", re.MULTILINE)
_SERIES = re.compile(r"^--\s*series:\s*([a-z_]+)\s*$", re.MULTILINE)
# The generated check of a relation with a declared grain.
GRAIN_CHECK = "grain"


@dataclass(frozen=True)
class Relation:
    name: str
    # Tables it reads: raw.<table>, config.<table> or metrics.<relation>.
    reads: tuple[str, ...]
    owner: str
    description: str
    # The columns no two rows share (`-- grain:`), and the series every month of which has a
    # row (`-- series:`: every entity, or the entities of one kind).
    grain: tuple[str, ...] = ()
    series: str | None = None

    @property
    def table(self) -> str:
        return f"metrics.{self.name}"

    @property
    def sql_name(self) -> str:
        return f"metrics/{self.name}"

    @property
    def code_version(self) -> str:
        """Changes when the relation's SQL changes: Dagster then marks it stale."""
        return files_version([sql_path(self.sql_name)])

    @property
    def checks(self) -> list[str]:
        """Check names: `grain` when the relation declares one, and one per file
        sql/checks/<relation>__<check>.sql."""
        files = [
            path.stem.split("__", 1)[1] for path in (SQL_DIR / "checks").glob(f"{self.name}__*.sql")
        ]
        return sorted([GRAIN_CHECK] if self.grain else []) + sorted(files)

    def check_query(self, check: str) -> tuple[str, dict[str, Any]]:
        """The SQL file of a check and its parameters."""
        if check == GRAIN_CHECK and self.grain:
            sql = "meta/series_check" if self.series else "meta/grain_check"
            return sql, {"table_name": self.table, "keys": list(self.grain), "series": self.series}
        return f"checks/{self.name}__{check}", {}

    def check_description(self, check: str) -> str:
        if check == GRAIN_CHECK and self.grain:
            text = f"One row per {' and '.join(self.grain)}"
            if self.series == "every":
                text += ", for every month of every entity's series (metrics.entity_months)"
            elif self.series:
                text += f", for every month of each {self.series} entity's series"
            return text + ": a row here is a key repeated, missing or outside the series."
        return header_comment(f"checks/{self.name}__{check}")


def parse_relation(path: Path) -> Relation:
    name = path.stem
    sql = path.read_text(encoding="utf-8")
    header: list[str] = []
    for line in sql.splitlines():
        if not line.startswith("--") or _OWNER.match(line):
            break
        header.append(line.removeprefix("--").strip())
    description = " ".join(header).removeprefix(f"metrics.{name}:").strip()
    if not description:
        raise ValueError(f"{path}: start with a comment `-- metrics.{name}: what one row is`")
    owner = _OWNER.search(sql)
    if not owner:
        raise ValueError(f"{path}: add a line `-- owner: <persona>` to the header comment")
    # the relations' inputs are assets: the input tables, the config tables and other relations
    reads = sorted(tables_named(sql, ("raw", "config", "metrics")) - {f"metrics.{name}"})
    first = description[0].upper() + description[1:]
    grain = _GRAIN.search(sql)
    series = _SERIES.search(sql)
    if series and not grain:
        raise ValueError(f"{path}: a `-- series:` line needs a `-- grain: entity_id, month` line")
    return Relation(
        name,
        tuple(reads),
        owner.group(1),
        first,
        tuple(c.strip() for c in grain.group(1).split(",")) if grain else (),
        series.group(1) if series else None,
    )


@cache
def relations() -> tuple[Relation, ...]:
    """Every relation, in an order where each comes after the relations it reads."""
    found = {path.stem: parse_relation(path) for path in sorted(METRICS_DIR.glob("*.sql"))}
    for relation in found.values():
        unknown = [
            name for name in relation.reads if name.startswith("metrics.") and name[8:] not in found
        ]
        if unknown:
            raise ValueError(f"sql/metrics/{relation.name}.sql reads unknown {unknown}")
    graph = {
        name: {r[8:] for r in relation.reads if r.startswith("metrics.")}
        for name, relation in found.items()
    }
    # A relation's checks run as soon as it is built, so the other relations they read are built
    # before it too (kpi_status's check reads kpi_gaps): by this order, not by luck. A check that
    # reads a relation built from its own would make a cycle; it is left to read the last build.
    for name in found:
        for other in sorted(check_reads(name) & set(found)):
            if name not in _ancestors(graph, other):
                graph[name].add(other)
    return tuple(found[name] for name in TopologicalSorter(graph).static_order())


def check_reads(name: str) -> set[str]:
    """The relations (without their schema) that the checks of metrics.<name> read, itself
    left out."""
    reads: set[str] = set()
    for path in (SQL_DIR / "checks").glob(f"{name}__*.sql"):
        reads |= {t[8:] for t in tables_named(path.read_text(encoding="utf-8"), ("metrics",))}
    return reads - {name}


def _ancestors(graph: dict[str, set[str]], name: str) -> set[str]:
    """Every relation `name` is built from, directly or not."""
    seen: set[str] = set()
    todo = list(graph.get(name, ()))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(graph.get(current, ()))
    return seen


def relation(name: str) -> Relation:
    for candidate in relations():
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def build(conn, relation: Relation) -> int:
    """Rebuild metrics.<relation> from its SQL file; return its row count."""
    create_table_as(conn, relation.table, relation.sql_name)
    return conn.execute("select count(*) from query_table($t)", {"t": relation.table}).fetchall()[
        0
    ][0]


def build_all(conn) -> dict[str, int]:
    return {relation.name: build(conn, relation) for relation in relations()}


def content_version(conn, table: str) -> str:
    """A fingerprint of a table's rows, independent of their order."""
    return query(conn, "meta/content_version", table_name=table)[0]["version"]


def check_outcome(conn, relation: Relation, check: str, sample: int = 10) -> CheckOutcome:
    sql_name, params = relation.check_query(check)
    return run_check_file(conn, sql_name, sample, **params)


def run_check(
    conn, relation: Relation, check: str, sample: int = 10
) -> tuple[int, list[dict[str, Any]]]:
    """Run one check; return how many rows break it and the first few of them."""
    outcome = check_outcome(conn, relation, check, sample)
    return outcome.failures, outcome.sample


def check_description(relation: Relation, check: str) -> str:
    """What a check guards: the opening comment of its file, or the declared grain."""
    return relation.check_description(check)
