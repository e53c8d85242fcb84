"""Canonical CSV files into DuckDB, with nothing lost.

Each table of the input contract (exec_reporting.contract) is loaded from every entity's file in
one transaction: rows that meet the contract go to raw.<table>, every other row to
quarantine.rows with its file, line, column, value and reason. A file that cannot be read at all
fails the whole load with one error naming every such file, and the warehouse keeps what it had.

Line numbers count the header as line 1; they are CSV record numbers, equal to the line in the
file unless a quoted value spans several lines. A file with mixed or old Mac line ends, or blank
lines between records, is read through a normalized copy (exec_reporting.source_text) whose line
numbers are mapped back to the file's.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from exec_reporting.account_rules import AccountRulesError, NumberedRule, load_account_rules
from exec_reporting.config import CanonicalSource, Entity, ReportingConfig
from exec_reporting.contract import BUDGET_ACCOUNT_TYPES, PLAUSIBLE_YEARS, TABLES, Table
from exec_reporting.importers import IMPORTERS, ImportContext, SourceFile
from exec_reporting.source_text import NotText, ReadableFile, readable_file
from exec_reporting.sqlfiles import (
    create_table_as,
    execute,
    execute_on_table,
    insert_into,
    query,
)

log = logging.getLogger(__name__)


class IngestError(Exception):
    """One or more files cannot be read at all; nothing was written."""

    def __init__(self, table: str, problems: list[str]):
        self.table = table
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"cannot load {table}: {len(problems)} file problem(s)\n{listing}")


# The account mapping rules file of an entity when reporting.yaml names none.
DEFAULT_RULES_FILE = "rules.yaml"


@dataclass(frozen=True)
class AbsentFile:
    """An expected file that is not there: a contract file, or a source whose pattern matches
    nothing."""

    entity_id: str | None
    # The file, or the source's pattern under the entity's folder.
    path: Path
    required: bool
    # What is missing, said after "<path>: missing: ".
    expected: str

    @property
    def problem(self) -> str:
        return f"{self.path}: missing: {self.expected}"


@dataclass
class FileLoad:
    source_file: str
    entity_id: str | None
    sha256: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    # Rows that repeat one already imported from the same source (an overlapping statement):
    # rows read = loaded + quarantined + duplicate.
    rows_duplicate: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    source_format: str = "canonical"
    # How far the file's data reaches (ledger and balances files; docs/decisions.md #32) and
    # how that was found: stated by the file, its latest row, or its modification time.
    covers_through: date | None = None
    covers_basis: str | None = None
    # When these bytes were first seen, and the file's modification time then (configured zone).
    first_seen_at: datetime | None = None
    modified_at: datetime | None = None


@dataclass
class LoadResult:
    table: str
    files: list[FileLoad]
    missing_optional: list[str]

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    @property
    def rows_duplicate(self) -> int:
        return sum(f.rows_duplicate for f in self.files)


def source_files(
    config: ReportingConfig, table: Table
) -> tuple[list[SourceFile], list[AbsentFile]]:
    """The files a table is read from, and the expected files that are absent. The ledger's are
    each entity's sources (reporting.yaml `sources`, default the canonical ledger.csv); the other
    tables' are the contract's files, read in the encoding of the entity's canonical source."""
    data_dir = config.data_path
    if table.scope == "portfolio":
        path = data_dir / table.file_name
        if path.is_file():
            return [SourceFile(table, None, path, table.file_name)], []
        return [], [AbsentFile(None, path, table.required, _needs(table))]
    present: list[SourceFile] = []
    absent: list[AbsentFile] = []
    for entity in config.entities:
        folder = data_dir / entity.id
        if table.name != "ledger":
            path = folder / table.file_name
            if path.is_file():
                encoding = _canonical_encoding(entity)
                name = path.relative_to(data_dir).as_posix()
                present.append(SourceFile(table, entity.id, path, name, encoding=encoding))
            else:
                absent.append(AbsentFile(entity.id, path, table.required, _needs(table)))
            continue
        for source in entity.sources:
            matched = source_paths(folder, source.path)
            for path in matched:
                name = path.relative_to(data_dir).as_posix()
                present.append(
                    SourceFile(table, entity.id, path, name, source, _source_encoding(source))
                )
            if not matched:
                expected = (
                    _needs(table)
                    if source.path == table.file_name and source.format == "canonical"
                    else f"no file matches {source.path} (entity {entity.id}, source "
                    f"{source.format} in reporting.yaml)"
                )
                absent.append(AbsentFile(entity.id, folder / source.path, True, expected))
    return present, absent


def _needs(table: Table) -> str:
    scope = "entity" if table.scope == "entity" else "portfolio"
    return f"every {scope} needs {table.file_name} (see docs/data-contract.md)"


def _canonical_encoding(entity: Entity) -> str | None:
    """The encoding the entity's canonical files are in: its canonical source's (None: UTF-8)."""
    for source in entity.sources:
        if isinstance(source, CanonicalSource):
            return source.encoding
    return None


def _source_encoding(source) -> str | None:
    # canonical files are UTF-8 unless declared; an export is found out by default (`auto`)
    if source.encoding is not None or isinstance(source, CanonicalSource):
        return source.encoding
    return "auto"


def source_paths(folder: Path, pattern: str) -> list[Path]:
    """The files a source's `path` matches in the entity's folder, in name order; a spreadsheet's
    lock file (~$name) and hidden files are not exports."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.glob(pattern)
        if path.is_file() and not path.name.startswith((".", "~$"))
    )


def rules_file(config: ReportingConfig, entity: Entity) -> Path:
    """Where the entity's account mapping rules are (the file may not exist yet)."""
    return config.data_path / entity.id / (entity.rules or DEFAULT_RULES_FILE)


def entity_rules(config: ReportingConfig, entity: Entity) -> list[NumberedRule]:
    """The entity's account mapping rules (none when it has no rules file and names none);
    AccountRulesError naming the file, the rule and the line when they cannot be used."""
    path = rules_file(config, entity)
    if not path.is_file():
        if entity.rules is not None:
            raise AccountRulesError(
                f"{path}: missing: the account mapping rules of entity {entity.id} "
                "(rules in reporting.yaml; see docs/importing.md)"
            )
        return []
    return load_account_rules(path)


def rules_problems(config: ReportingConfig) -> list[str]:
    """What is wrong with the rules files of the entities that import their ledger (for
    `exec-reporting check`, before any run)."""
    problems = []
    for entity in config.entities:
        if any(source.format != "canonical" for source in entity.sources):
            try:
                entity_rules(config, entity)
            except AccountRulesError as error:
                problems.append(str(error))
    return problems


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _normalize(name: str) -> str:
    return name.strip().lower()


def read_header(
    source: SourceFile, readable: ReadableFile | None = None
) -> tuple[list[str], list[str]]:
    """The file's column names (normalized) and the problems that stop it from being read.
    `readable`: what the reader reads of the file (a normalized copy, or the file itself)."""
    path, table = source.path, source.table
    expected = ", ".join(c.name for c in table.columns)
    try:
        with (readable.path if readable else path).open("rb") as handle:
            first_line = handle.readline()
        if b"\x00" in first_line:
            return [], [
                f"{path}: line 1: a NUL byte in the header: not UTF-8 text (UTF-16 or a binary "
                "file?); save the file as CSV UTF-8"
            ]
        header = next(csv.reader([first_line.decode("utf-8-sig")]), None)
    except UnicodeDecodeError as error:
        return [], [f"{path}: line 1: not UTF-8 text ({error.reason}); save the file as UTF-8"]
    except OSError as error:
        return [], [f"{path}: cannot be read ({error.strerror})"]
    if not header or not any(cell.strip() for cell in header):
        return [], [f"{path}: line 1: expected a header row with the columns {expected}"]
    names = [_normalize(cell) for cell in header]
    problems = []
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        problems.append(f"{path}: line 1: column(s) {', '.join(repeated)} appear more than once")
    missing = [c.name for c in table.columns if c.name not in names and not c.optional_in_header]
    if missing:
        problems.append(
            f"{path}: line 1: missing required column(s) {', '.join(missing)} "
            f"(expected header: {expected})"
        )
    return names, problems


def _prepare(conn: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Fresh temp tables for one load: the staged rows, rejects, files and the contract."""
    execute(conn, "ingest/macros")
    execute(conn, "ingest/import_macros")
    execute(conn, "ingest/load_tables")
    # `stage` has one text column per contract column; names come from exec_reporting.contract.
    # `part` tells apart the rows an importer makes of one line (ingest/load_tables.sql).
    columns = ", ".join(f"{column.name} varchar" for column in table.columns)
    conn.execute(
        "create or replace temp table stage "
        f"(source_file varchar, entity_id varchar, line bigint, part integer default 0, {columns})"
    )
    conn.executemany(
        "insert into contract_columns values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c.name,
                position,
                c.type,
                c.required,
                list(c.choices),
                c.required_when[0] if c.required_when else None,
                list(c.required_when[1]) if c.required_when else [],
                c.expected,
                table.key.index(c.name) if c.name in table.key else None,
                c.limit,
                c.limit_expected,
                c.window.earliest if c.window else None,
                c.window.latest if c.window else None,
            )
            for position, c in enumerate(table.columns)
        ],
    )


def _stage_file(
    conn: duckdb.DuckDBPyConnection, source: SourceFile, readable: ReadableFile, header: list[str]
) -> list[str]:
    """Append one canonical file's rows to `stage`; return the problems that stop it loading."""
    known = {column.name for column in source.table.columns}
    # Read every column as text under its contract name; the rest as _ignored_<n>.
    columns = {
        (name if name in known else f"_ignored_{position}"): "VARCHAR"
        for position, name in enumerate(header)
    }
    ignored = [name for name in header if name and name not in known]
    try:
        execute(
            conn,
            "ingest/read_file",
            path=str(readable.path),
            columns=columns,
            skip=0,
            delimiter=",",
        )
    except duckdb.Error as error:
        return [f"{source.path}: cannot be read as CSV: {error}"]
    bad_encoding = conn.execute(
        "select min(line) from file_rejects where error_type = 'INVALID ENCODING'"
    ).fetchall()[0][0]
    if bad_encoding is not None:
        line = readable.original_line(bad_encoding)
        return [f"{source.path}: line {line}: not UTF-8 text; save the file as UTF-8"]
    execute(conn, "ingest/line_shifts", blank_lines=list(readable.blank_lines))
    execute(conn, "ingest/file_rows", skip=0)
    where = {"source_file": source.name, "entity_id": source.entity_id}
    execute(conn, "ingest/stage_file", **where)
    execute(conn, "ingest/stage_rejects", **where, footer_lines=[])
    _record_file(conn, source, ignored)
    return []


def _record_file(
    conn: duckdb.DuckDBPyConnection,
    source: SourceFile,
    ignored: list[str],
    covers_through: date | None = None,
) -> None:
    """The file's row of `load_files`. An imported source's rows repeat one another only as
    copies of the same movement (an overlapping statement): its scope says which files share
    txn_ids that way (ingest/duplicate_keys.sql)."""
    scope = (
        None
        if source.format == "canonical"
        else f"{source.entity_id}/{source.source.path if source.source else ''}"
    )
    conn.execute(
        "insert into load_files by name select $source_file as source_file, "
        "$entity_id as entity_id, $sha256 as sha256, $ignored as ignored_columns, "
        "$source_format as source_format, $dedupe_scope as dedupe_scope, "
        "$covers_through as covers_through",
        {
            "source_file": source.name,
            "entity_id": source.entity_id,
            "sha256": file_sha256(source.path),
            "ignored": ignored,
            "source_format": source.format,
            "dedupe_scope": scope,
            "covers_through": covers_through,
        },
    )


def run_date_of(config: ReportingConfig) -> date:
    """Today in the configured time zone: what "the future" is measured from."""
    return datetime.now(ZoneInfo(config.timezone)).date()


# Tables whose files say how far an entity's data reaches: its ledger's sources and its bank
# balances (metrics.coverage).
COVERAGE_TABLES = ("ledger", "balances")


def _local_time(timestamp: float, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(timestamp, zone).replace(tzinfo=None)


def _date_bounds(config: ReportingConfig, run_date: date | None) -> dict[str, object]:
    """The parameters the date windows of the contract are resolved with (sql/ingest/macros.sql)."""
    return {
        "first_day": config.first_month_date,
        "run_date": run_date or run_date_of(config),
        "future_days": config.quality.future_days,
        "plausible_years": PLAUSIBLE_YEARS,
    }


def load_table(
    conn: duckdb.DuckDBPyConnection,
    config: ReportingConfig,
    table: Table,
    entities: list[str] | None = None,
    run_date: date | None = None,
) -> LoadResult:
    """Load every entity's file of `table` into raw.<table> and quarantine.rows, atomically.

    With `entities`, reload only those entities' files (a file of theirs changed): their rows
    are replaced and every other entity's rows stay as they are. `run_date` (default: today in
    the configured time zone) is the day dates that happened may not be later than (plus
    quality.future_days)."""
    present, absent = source_files(config, table)
    reloaded = list(entities or [])
    partial = (
        bool(reloaded) and table.scope == "entity" and _table_exists(conn, f"raw.{table.name}")
    )
    if partial:
        present = [s for s in present if s.entity_id in reloaded]
        absent = [a for a in absent if a.entity_id in reloaded]
    loaded_entities = (
        [e for e in config.entities if e.id in reloaded] if partial else list(config.entities)
    )
    problems = [a.problem for a in absent if a.required]
    problems += _source_problems(config, table, loaded_entities, present)
    execute(conn, "ingest/schema")
    _prepare(conn, table)
    any_nul = False
    context_locale, currency = config.locale, config.currency
    zone = ZoneInfo(config.timezone)
    # read before the bytes are hashed: a file written meanwhile is seen again at the next load
    times = [(s.name, _local_time(s.path.stat().st_mtime, zone)) for s in present]
    if times:
        conn.executemany("insert into file_times values (?, ?)", times)
    # Normalized copies live only until their rows are staged (DuckDB copies them into `stage`).
    with tempfile.TemporaryDirectory(prefix="exec-reporting-ingest-") as scratch:
        context = ImportContext(
            Path(scratch),
            context_locale,
            currency,
            config.timezone,
            config.data_path / "chart_of_accounts.csv",
        )
        for source in present:
            if source.format == "canonical":
                readable, file_problems = _stage_source(conn, source, context)
                any_nul = any_nul or (readable is not None and readable.has_nul)
            else:
                file_problems = _stage_import(conn, source, context)
                any_nul = True
            problems.extend(file_problems)
    if table.name == "ledger" and not problems:
        problems += _categorize(conn, config, loaded_entities, present)
    if problems:
        raise IngestError(table.name, problems)

    raw_table = f"raw.{table.name}"
    create_table_as(
        conn,
        "cell_problems",
        "ingest/cell_problems",
        temp=True,
        check_nul=any_nul,
        **_date_bounds(config, run_date),
    )
    if table.name == "budget":
        _budget_problems(conn, config)
    create_table_as(conn, "duplicate_keys", "ingest/duplicate_keys", temp=True)
    create_table_as(
        conn,
        "load_quarantine",
        "ingest/quarantine",
        temp=True,
        table_name=table.name,
        key_columns=", ".join(table.key),
    )
    create_table_as(conn, "load_duplicates", "ingest/duplicates", temp=True, table_name=table.name)
    # the entities whose rows this load replaces (None: all of the table)
    scope = {"t": table.name, "entities": reloaded if partial else None}
    conn.execute("begin transaction")
    try:
        if partial:
            execute_on_table(conn, "ingest/forget_entities", raw_table, entities=scope["entities"])
            insert_into(conn, raw_table, f"raw/{table.name}")
        else:
            create_table_as(conn, raw_table, f"raw/{table.name}")
        execute(conn, "ingest/forget_quarantine", **scope)
        conn.execute(
            "insert into quarantine.rows by name select * exclude (part) from load_quarantine"
        )
        execute(conn, "ingest/forget_imports", **scope)
        execute(conn, "ingest/record_imports", t=table.name)
        execute(
            conn,
            "ingest/record_sightings",
            table_name=table.name,
            now=_local_time(datetime.now().timestamp(), zone),
        )
        create_table_as(
            conn,
            "load_counts",
            "ingest/file_counts",
            temp=True,
            raw_table=raw_table,
            table_name=table.name,
        )
        if table.name in COVERAGE_TABLES:
            execute(conn, "ingest/file_coverage", raw_table=raw_table)
        execute(conn, "ingest/forget_file_loads", **scope)
        execute(conn, "ingest/record_file_loads", table_name=table.name)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    counts = conn.execute("select * from load_counts")
    names = [d[0] for d in counts.description]
    files = [FileLoad(**dict(zip(names, row, strict=True))) for row in counts.fetchall()]
    missing = [] if table.required else [str(a.path) for a in absent if not a.required]
    return LoadResult(table.name, files, missing)


def _budget_problems(conn: duckdb.DuckDBPyConnection, config: ReportingConfig) -> None:
    """budget.csv names entities and accounts: a line for an entity that is not configured, or
    an account that is not a profit-and-loss account of the chart, could never be compared with
    anything, so it is quarantined with the reason. The chart is the one loaded before (the
    budget's asset depends on raw.chart_of_accounts)."""
    if _table_exists(conn, "raw.chart_of_accounts"):
        insert_into(conn, "chart_accounts", "ingest/chart_accounts")
    execute(
        conn,
        "ingest/budget_problems",
        entity_ids=[entity.id for entity in config.entities],
        account_types=list(BUDGET_ACCOUNT_TYPES),
    )


def _source_problems(
    config: ReportingConfig, table: Table, entities: list[Entity], present: list[SourceFile]
) -> list[str]:
    """What stops the ledger's sources before any file is read: a file two sources claim."""
    if table.name != "ledger":
        return []
    problems = []
    claimed: dict[Path, SourceFile] = {}
    for file in present:
        earlier = claimed.get(file.path)
        if (
            earlier is not None
            and earlier.source is not None
            and file.source is not None
            and earlier.source is not file.source
        ):
            problems.append(
                f"{file.path}: matched by two sources of entity {file.entity_id} "
                f"({earlier.source.format} {earlier.source.path} and {file.source.format} "
                f"{file.source.path}): give each file one source in reporting.yaml"
            )
        claimed.setdefault(file.path, file)
    return problems


def _stage_source(
    conn: duckdb.DuckDBPyConnection, source: SourceFile, context: ImportContext
) -> tuple[ReadableFile | None, list[str]]:
    """Stage one canonical file (through a normalized copy when it needs one); return what was
    read and the problems that stop the file from loading."""
    try:
        readable = readable_file(source.path, context.scratch, source.encoding, context.locale)
    except OSError as error:
        return None, [f"{source.path}: cannot be read ({error.strerror})"]
    except NotText as error:
        return None, [f"{source.path}: {error}"]
    if readable.normalized:
        log.info(
            "reading %s through a normalized copy: %s", source.path, "; ".join(readable.changes)
        )
    header, problems = read_header(source, readable)
    if problems:
        return readable, problems
    problems = _stage_file(conn, source, readable, header)
    if not problems:
        log.info("staged %s", source.path)
    return readable, problems


def _stage_import(
    conn: duckdb.DuckDBPyConnection, source: SourceFile, context: ImportContext
) -> list[str]:
    """Stage one file of an imported source through its format's importer."""
    importer = IMPORTERS[source.format]
    try:
        staged = importer.stage(conn, source, context)
    except OSError as error:
        return [f"{source.path}: cannot be read ({error.strerror})"]
    if staged.problems:
        return staged.problems
    _record_file(conn, source, staged.ignored_columns, staged.covers_through)
    notes = f" ({'; '.join(staged.notes)})" if staged.notes else ""
    log.info("staged %s as %s%s", source.path, source.format, notes)
    return []


def _categorize(
    conn: duckdb.DuckDBPyConnection,
    config: ReportingConfig,
    entities: list[Entity],
    present: list[SourceFile],
) -> list[str]:
    """Give the imported rows their account codes (the entities' mapping rules, in order; the
    uncategorized account when none matches) and stage them; return the problems of the rules
    files."""
    importing = {f.entity_id for f in present if f.format != "canonical"}
    problems: list[str] = []
    data_dir = config.data_path
    for entity in entities:
        if entity.id not in importing:
            continue
        name = rules_file(config, entity).relative_to(data_dir).as_posix()
        conn.execute(
            "insert into rules_files values ($entity_id, $rules_file)",
            {"entity_id": entity.id, "rules_file": name},
        )
        try:
            rules = entity_rules(config, entity)
        except AccountRulesError as error:
            problems.append(str(error))
            continue
        if rules:
            conn.execute(
                "insert into mapping_rules by name select unnest($rules, recursive := true)",
                {
                    "rules": [
                        {
                            "entity_id": entity.id,
                            "rules_file": name,
                            "rule_number": r.number,
                            "field": r.rule.field,
                            "pattern": r.rule.match,
                            "account_code": r.rule.account,
                            "counterparty": r.rule.counterparty,
                        }
                        for r in rules
                    ]
                },
            )
    if not problems:
        execute(conn, "ingest/rule_texts")
        for rule in conn.execute(
            "select entity_id, rule_number, field, pattern from mapping_rules "
            "order by entity_id, rule_number"
        ).fetchall():
            entity_id, rule_number, field_name, pattern = rule
            execute(
                conn,
                "ingest/apply_rule",
                entity_id=entity_id,
                rule_number=rule_number,
                field=field_name,
                pattern=pattern,
            )
        execute(conn, "ingest/categorize", uncategorized=config.accounting.uncategorized_account)
    return problems


def _table_exists(conn, name: str) -> bool:
    schema, _, table = name.partition(".")
    found = conn.execute(
        "select count(*) from information_schema.tables where table_schema = $s and table_name = $t",
        {"s": schema, "t": table},
    ).fetchall()
    return found[0][0] > 0


def table_version(config: ReportingConfig, table: Table) -> tuple[str, dict[str, str]]:
    """The content version of a table's input files (a hash of every file's path and SHA-256),
    and the SHA-256 of each file by its path under data_dir. The ledger's include the account
    mapping rules files of entities with imported sources: they decide its account codes (and
    the chart, when a QuickBooks export's lines get theirs through it)."""
    present, _ = source_files(config, table)
    hashes = {source.name: file_sha256(source.path) for source in present}
    if table.name == "ledger":
        for entity in config.entities:
            path = rules_file(config, entity)
            if path.is_file() and any(s.format != "canonical" for s in entity.sources):
                hashes[path.relative_to(config.data_path).as_posix()] = file_sha256(path)
        # a QuickBooks line's account code comes from the chart (its split account's name)
        chart = config.data_path / "chart_of_accounts.csv"
        if chart.is_file() and any(
            s.format == "qbo_transaction_detail" for e in config.entities for s in e.sources
        ):
            hashes[chart.relative_to(config.data_path).as_posix()] = file_sha256(chart)
    digest = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:16]
    return digest, hashes


def load_all(
    conn: duckdb.DuckDBPyConnection,
    config: ReportingConfig,
    tables: Iterable[Table] = TABLES,
    run_date: date | None = None,
) -> list[LoadResult]:
    """Load every table of the contract (a convenience for shells and tests)."""
    return [load_table(conn, config, table, run_date=run_date) for table in tables]


def latest_ledger_date(config: ReportingConfig, run_date: date | None = None):
    """The latest date in any entity's ledger (None when there is none), read from the files;
    like ingest, it ignores dates outside the report window (before first_month, or after the
    run date plus quality.future_days). Canonical ledger.csv files are only scanned for their
    dates; a portfolio with imported sources is loaded into a scratch database to find it."""
    from exec_reporting.contract import table as contract_table

    ledger = contract_table("ledger")
    if any(s.format != "canonical" for e in config.entities for s in e.sources):
        conn = duckdb.connect()
        try:
            load_table(conn, config, ledger, run_date=run_date)
            return conn.execute("select max(date) from raw.ledger").fetchall()[0][0]
        except (IngestError, duckdb.Error, OSError):
            return None
        finally:
            conn.close()
    present, _ = source_files(config, ledger)
    if not present:
        return None
    conn = duckdb.connect()
    try:
        bounds = _date_bounds(config, run_date)
        with tempfile.TemporaryDirectory(prefix="exec-reporting-ingest-") as scratch:
            # read as ingest reads them: mixed line ends would stop DuckDB's reader
            paths = [
                str(readable_file(s.path, Path(scratch), s.encoding, config.locale).path)
                for s in present
            ]
            return query(
                conn,
                "ingest/latest_ledger_date",
                paths=paths,
                first_day=bounds["first_day"],
                run_date=bounds["run_date"],
                future_days=bounds["future_days"],
            )[0]["latest"]
    except (duckdb.Error, OSError, NotText):
        return None
    finally:
        conn.close()
