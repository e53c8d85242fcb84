"""Run a check file: a SELECT of the rows that break a rule (sql/checks/...). A check passes
when it returns no row. A check may grade its rows with a boolean column `fails`: only rows
where it is true fail; the others are tolerated and only counted (an exact repeat of a ledger
line, say)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from exec_reporting.sqlfiles import create_table_as, query

SAMPLE_ROWS = 10


@dataclass
class CheckOutcome:
    failures: int
    sample: list[dict[str, Any]] = field(default_factory=list)
    tolerated: int | None = None  # None: the check does not grade its rows
    tolerated_sample: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.failures == 0


def _rows(conn, fails: bool | None, sample: int) -> tuple[int, list[dict[str, Any]]]:
    if fails is None:
        rows = query(conn, "meta/check_rows", n=sample)
    else:
        rows = query(conn, "meta/check_graded_rows", fails=fails, n=sample)
    total = rows[0]["total"] if rows else 0
    return total, [{k: v for k, v in r.items() if k not in ("total", "fails")} for r in rows]


def run_check_file(conn, sql_name: str, sample: int = SAMPLE_ROWS, **params: Any) -> CheckOutcome:
    """Run sql/<sql_name>.sql (with its named parameters) and say what failed."""
    create_table_as(conn, "check_result", sql_name, temp=True, **params)
    try:
        graded = any(
            d[0] == "fails" for d in conn.execute("select * from check_result limit 0").description
        )
        if not graded:
            return CheckOutcome(*_rows(conn, None, sample))
        failures, failing = _rows(conn, True, sample)
        tolerated, tolerated_sample = _rows(conn, False, sample)
        return CheckOutcome(failures, failing, tolerated, tolerated_sample)
    finally:
        conn.execute("drop table if exists check_result")
