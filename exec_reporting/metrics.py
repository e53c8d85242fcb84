"""The metric store: which relations exist, what each is built from, and building them.

Every relation is one SQL file, sql/metrics/<name>.sql, a SELECT that DuckDB turns into the table
metrics.<name>. Its checks are the files sql/checks/<name>__<check>.sql: each selects the rows
that break a rule, so a check passes when it returns nothing. Definitions: docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exec_reporting.sqlfiles import SQL_DIR, create_table_as, query


@dataclass(frozen=True)
class Relation:
    name: str
    # Tables it reads: raw.<table>, config.<table> or metrics.<relation>.
    reads: tuple[str, ...]
    owner: str
    description: str

    @property
    def table(self) -> str:
        return f"metrics.{self.name}"

    @property
    def sql_name(self) -> str:
        return f"metrics/{self.name}"

    @property
    def checks(self) -> list[str]:
        """Check names, from the files sql/checks/<relation>__<check>.sql."""
        return sorted(
            path.stem.split("__", 1)[1] for path in (SQL_DIR / "checks").glob(f"{self.name}__*.sql")
        )


# In build order: a relation reads only relations listed before it.
RELATIONS: tuple[Relation, ...] = (
    Relation(
        "entity_months",
        reads=("raw.ledger",),
        owner="cfo",
        description="Each entity's month series, from its first ledger month to its last, every month present.",
    ),
    Relation(
        "monthly_pnl",
        reads=("raw.ledger", "raw.chart_of_accounts", "metrics.entity_months"),
        owner="cfo",
        description="Monthly profit and loss per entity: revenue, cost of goods sold, gross profit and margin, operating expenses, operating income.",
    ),
    Relation(
        "burn",
        reads=("raw.ledger", "config.entities", "metrics.monthly_pnl"),
        owner="cfo",
        description="Monthly burn per entity: gross and net burn, 3-month average, cash at month end and runway in months.",
    ),
    Relation(
        "break_even",
        reads=("raw.ledger", "raw.chart_of_accounts", "metrics.monthly_pnl"),
        owner="cfo",
        description="Monthly break-even per entity: fixed and variable costs, contribution margin ratio, break-even revenue and the gap to it.",
    ),
    Relation(
        "kpi_gaps",
        reads=("config.kpis", "metrics.monthly_pnl", "metrics.burn", "metrics.break_even"),
        owner="ceo",
        description="Each configured KPI against its actual value, month by month: the signed gap (positive is good) and whether it was met.",
    ),
    Relation(
        "deferred_revenue",
        reads=("raw.bookings", "metrics.entity_months"),
        owner="accounting",
        description="Cash received for confirmed bookings whose service is still to come, at each month end.",
    ),
    Relation(
        "expense_flags",
        reads=("raw.ledger", "raw.chart_of_accounts"),
        owner="accounting",
        description="Money-out lines that an accountant should look at: possible duplicates, weekend spending, round amounts, unmapped accounts.",
    ),
)

RELATIONS_BY_NAME = {relation.name: relation for relation in RELATIONS}


def build(conn, relation: Relation) -> int:
    """Rebuild metrics.<relation> from its SQL file; return its row count."""
    create_table_as(conn, relation.table, relation.sql_name)
    return conn.execute("select count(*) from query_table($t)", {"t": relation.table}).fetchone()[0]


def content_version(conn, table: str) -> str:
    """A fingerprint of a table's rows, independent of their order."""
    return query(conn, "meta/content_version", table_name=table)[0]["version"]


def build_all(conn) -> dict[str, int]:
    return {relation.name: build(conn, relation) for relation in RELATIONS}


def run_check(
    conn, relation: Relation, check: str, sample: int = 10
) -> tuple[int, list[dict[str, Any]]]:
    """Run one check; return how many rows break it and the first few of them."""
    create_table_as(conn, "check_result", f"checks/{relation.name}__{check}", temp=True)
    count = conn.execute("select count(*) from check_result").fetchone()[0]
    cursor = conn.execute("select * from check_result limit $n", {"n": sample})
    columns = [d[0] for d in cursor.description]
    found = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    conn.execute("drop table check_result")
    return count, found
