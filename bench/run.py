"""Benchmarks: how the ingest and the metric store compare with DuckDB's own limit.

Prints figures, never asserts them: these machines are small and noisy. Each figure is the best of
a few repeats, and each is given as a ratio against a baseline measured in the same run: DuckDB
reading the same CSV files straight into a typed table (`read_csv` with the column types), which
is as fast as loading them can be.

    make bench                      # 200,000 ledger lines over 20 entities
    .venv/bin/python bench/run.py --lines 2000000 --entities 100
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import yaml

from exec_reporting.config import load_config
from exec_reporting.contract import table
from exec_reporting.ingest import load_all, load_table
from exec_reporting.metrics import build_all
from exec_reporting.settings import write_config_tables

CHART = (
    "code,name,type,behavior\n4000,Sales,revenue,\n5000,Fuel,cogs,variable\n"
    "6000,Rent,expense,fixed\n6100,Software,expense,fixed\n3000,Owner,equity,\n"
)
ACCOUNTS = [("4000", 1), ("5000", -1), ("6000", -1), ("6100", -1)]


def write_portfolio(root: Path, lines: int, entities: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    data = root / "data"
    data.mkdir(parents=True)
    (data / "chart_of_accounts.csv").write_text(CHART)
    per_entity = lines // entities
    start = date(2024, 1, 1)
    for number in range(entities):
        folder = data / f"e{number:03d}"
        folder.mkdir()
        with (folder / "ledger.csv").open("w") as handle:
            handle.write("txn_id,date,account_code,amount,description,counterparty\n")
            for i in range(per_entity):
                code, sign = ACCOUNTS[rng.randrange(len(ACCOUNTS))]
                day = start + timedelta(days=rng.randrange(730))
                cents = rng.randrange(100, 500_000)
                handle.write(
                    f"T{i},{day.isoformat()},{code},{sign * cents // 100}.{cents % 100:02d},"
                    f"line {i},vendor {rng.randrange(200)}\n"
                )
    config = {
        "organization": "Bench",
        "data_dir": "data",
        "warehouse": "warehouse.duckdb",
        "first_month": "2024-01",
        "entities": [
            {"id": f"e{n:03d}", "name": f"Entity {n}", "kind": "hauling"} for n in range(entities)
        ],
        "delivery": {"sender": "reports@example.com"},
    }
    path = root / "reporting.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def best(repeats: int, work) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--entities", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        config_path = write_portfolio(root, args.lines, args.entities)
        config = load_config(config_path)
        files = sorted(str(p) for p in (root / "data").glob("*/ledger.csv"))

        def baseline():
            conn = duckdb.connect()
            conn.execute(
                "create table ledger as select * from read_csv($files, header = true, columns = {"
                "'txn_id': 'VARCHAR', 'date': 'DATE', 'account_code': 'VARCHAR', "
                "'amount': 'DECIMAL(18,2)', 'description': 'VARCHAR', 'counterparty': 'VARCHAR'})",
                {"files": files},
            )
            conn.close()

        warehouse = duckdb.connect()
        write_config_tables(warehouse, config)
        load_all(warehouse, config)  # every table, the optional ones empty

        def ingest():
            load_table(warehouse, config, table("ledger"))

        def one_entity():
            load_table(warehouse, config, table("ledger"), entities=["e000"])

        def metric_store():
            build_all(warehouse)

        base = best(args.repeats, baseline)
        figures = [
            ("DuckDB read_csv, typed (baseline)", base),
            ("ingest: validate, quarantine, load", best(args.repeats, ingest)),
            ("ingest: reload one entity", best(args.repeats, one_entity)),
            ("metric store: every relation", best(args.repeats, metric_store)),
        ]
        print(f"{args.lines:,} ledger lines, {args.entities} entities, best of {args.repeats}")
        for label, seconds in figures:
            print(f"  {label:<40} {seconds:8.2f} s   {seconds / base:6.1f} x baseline")


if __name__ == "__main__":
    main()
