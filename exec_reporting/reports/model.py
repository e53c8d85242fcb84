"""The shape of every report: headlines, verdicts, sections of tables and charts, findings and
the notes on the data. One generic set of templates renders any report from this model.

Values are rounded once, when a table or headline is built (`round_value`), so the page, the
plain text and the report's JSON show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from exec_reporting.config import ReportingConfig
from exec_reporting.formatting import Formatter, rounded
from exec_reporting.glossary import glossary

if TYPE_CHECKING:
    from exec_reporting.reports.spec import ReportSpec

# A value's format: how it is shown. money: to the cent; months: 1 decimal; percent: a ratio shown with one
# decimal (0.4567 -> 45.7%); number: 1 decimal; integer; date; month (October 2026);
# text; status (new, still open, resolved); severity (critical, high, medium, low).
Format = Literal[
    "text", "money", "months", "percent", "number", "integer", "date", "month", "status", "severity"
]

_PLACES = {"money": 2, "months": 1, "percent": 3, "number": 1, "integer": 0}

# An email shows a table's key columns: at most this many, of which at most EMAIL_FIGURES are
# figures (a figure never wraps; four columns of 14 px text fit a 375 px phone). The CSV
# attachment carries every column (docs/decisions.md, 40).
EMAIL_COLUMNS = 4
EMAIL_FIGURES = 3
# A text column of words (not codes or file names) this long on average, in characters, says
# what a row is about ("Mystery Supply Co", a finding's detail).
SENTENCE = 12


# Every subject, with its prefixes, is at most this long: a phone's inbox shows the first 40-70
# characters, and RFC 5322 asks for lines under 78 (a longer one is still written unfolded,
# exec_reporting/mime.py).
SUBJECT_LIMIT = 110
SUBJECT_PREFIX = "Executive Report: "
PRELIMINARY_PREFIX = "Preliminary: "
# What delivery puts before the subject of a correction: every subject leaves room for it, so a
# correction's subject says what the original said.
CORRECTED_PREFIX = "Corrected: "


def fit_subject(head: str, clauses: list[str], limit: int) -> str:
    """`head - clause, clause, ...` in at most `limit` characters: the last (least important)
    clauses are dropped until it fits."""
    clauses = list(dict.fromkeys(clause for clause in clauses if clause))  # a note said once
    while clauses:
        subject = f"{head} - {', '.join(clauses)}"
        if len(subject) <= limit:
            return subject
        clauses.pop()
    return head


def fewer_words(name: str) -> str | None:
    """The name without its last word, marked "…" (None when no word is left): a word is never
    cut in half."""
    words = name.removesuffix(" …").split()[:-1]
    return " ".join(words) + " …" if words else None


def round_value(format: Format, value: Any) -> Any:
    """The value as the report shows it (Decimal rounded for numeric formats)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN: no value
        return None
    if isinstance(value, str) and format != "text":
        return value  # a word in place of a figure: "not burning", "reached"
    if format in _PLACES:
        number = rounded(value, _PLACES[format])
        return int(number) if format == "integer" and number is not None else number
    if format in ("date", "month") and isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def display(fmt: Formatter, format: Format, value: Any) -> str:
    """A rounded value written for people; `n/a` when there is none."""
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if format == "money":
        return fmt.money(value)
    if format == "months":
        return fmt.months(value)
    if format == "percent":
        return fmt.percent(value)
    if format == "number":
        return fmt.number(value, 1)
    if format == "integer":
        return fmt.number(value, 0)
    if format == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if format == "month":
        return fmt.month(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class Glossary(Enum):
    # A column's glossary entry is the one named like its key, when the glossary has one.
    KEY = "the column's key"


@dataclass
class Column:
    key: str
    label: str
    format: Format = "text"
    # The glossary entry (exec_reporting/glossary/) the report footnotes for this column: by
    # default the entry named like the column's key, when there is one; another key names
    # another entry (it must exist); None: no entry, even when one has the key's name.
    glossary: str | None | Literal[Glossary.KEY] = Glossary.KEY
    # The row's place in the table's order (a rank), not a figure of its own: "What changed"
    # does not list it, or one row inserted at the top would show every row below as moved.
    position: bool = False

    @property
    def numeric(self) -> bool:
        return self.format in _PLACES

    @property
    def glossary_key(self) -> str | None:
        """The glossary key the report footnotes for this column, if any."""
        if self.glossary is Glossary.KEY:
            return self.key if self.key in glossary() else None
        return self.glossary


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict[str, Any]]
    # A total (portfolio) row, shown last and set apart.
    total: dict[str, Any] | None = None
    title: str | None = None
    # What to say when there are no rows.
    empty: str = "Nothing to show."
    # CSV attachment name for email, when this table is a key table.
    attachment: str | None = None
    # The columns that identify a row from one edition to the next (a report as sent, and its
    # correction): a stable id (an action id,
    # an entity id, a month), never a rank, so that "What changed" (exec_reporting/corrections.py)
    # matches rows by id, not by position. Default: the first column. A key column the table
    # does not show is carried in the rows of the report's JSON (not in the page or the CSV).
    key: tuple[str, ...] = ()
    # The columns that name a row for a reader in "What changed" ("Queen of San Diego, Revenue");
    # default: the key. Carried in the report's JSON like the key.
    label: tuple[str, ...] = ()
    # The key columns an email shows (`email_columns`); default: chosen by `_key_columns`.
    email: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        def clean(row: dict[str, Any]) -> dict[str, Any]:
            out = dict(row)
            for column in self.columns:
                out[column.key] = round_value(column.format, row.get(column.key))
            return out

        if not self.key and self.columns:
            self.key = (self.columns[0].key,)
        self.key, self.label = tuple(self.key), tuple(self.label or self.key)
        for number, row in enumerate(self.rows, start=1):
            missing = [k for k in (*self.key, *self.label) if k not in row]
            if missing:
                raise ValueError(
                    f"table {self.title or [c.key for c in self.columns]!r}: row {number} has no "
                    f"{', '.join(missing)} (its key or label columns)"
                )
        self.rows = [clean(row) for row in self.rows]
        if self.total is not None:
            self.total = clean(self.total)

    @property
    def email_columns(self) -> list[Column]:
        """The columns an email shows, in the table's order: the builder's `email`, else all of
        a table of up to EMAIL_COLUMNS, else its key columns: those that name a row (`label`, at
        most two; else the first column that is not a rank), the words that say what a row is
        about (if any), its first figure, then the next columns in order (at most EMAIL_FIGURES
        figures), up to EMAIL_COLUMNS in all."""
        if self.email:
            unknown = set(self.email) - {c.key for c in self.columns}
            if unknown:
                raise ValueError(f"table {self.title!r}: email names no column {sorted(unknown)}")
            return [c for c in self.columns if c.key in self.email]
        if len(self.columns) <= EMAIL_COLUMNS:
            return list(self.columns)
        return [c for c in self.columns if c.key in self._key_columns()]

    def _key_columns(self) -> set[str]:
        candidates = [c for c in self.columns if not c.position] or list(self.columns)
        # the columns that name the row for a reader ("Queen of San Diego", "Revenue")
        chosen = [c for c in candidates if c.key in self.label][:2] or [candidates[0]]

        def average_length(column: Column) -> float:
            texts = [str(row.get(column.key) or "") for row in self.rows]
            if sum(" " in text for text in texts) * 2 < len(texts):
                return 0.0  # mostly codes, ids or file names: they name, they do not describe
            return sum(map(len, texts)) / len(texts) if texts else 0.0

        sentences = [c for c in candidates if c.format == "text" and c not in chosen]
        if sentences and len(chosen) < EMAIL_COLUMNS:
            longest = max(sentences, key=average_length)
            if average_length(longest) >= SENTENCE:
                chosen.append(longest)
        # at least one figure, then the table's own order (its builder put first what counts)
        chosen += [c for c in candidates if c.numeric and c not in chosen][:1]
        for column in candidates:
            figures = sum(c.numeric for c in chosen)
            if column not in chosen and not (column.numeric and figures >= EMAIL_FIGURES):
                chosen.append(column)
        return {c.key for c in chosen[:EMAIL_COLUMNS]}

    @property
    def trimmed(self) -> bool:
        """The email leaves columns out (the CSV attachment has them)."""
        return len(self.email_columns) < len(self.columns)

    def to_json(self) -> dict[str, Any]:
        keys = [c.key for c in self.columns]
        carried = keys + [k for k in dict.fromkeys((*self.key, *self.label)) if k not in keys]
        return {
            "title": self.title,
            "columns": [
                {"key": c.key, "label": c.label, "kind": c.format, "position": c.position}
                for c in self.columns
            ],
            "key": list(self.key),
            "label": list(self.label),
            "rows": [{k: row.get(k) for k in carried} for row in self.rows],
            "total": {k: self.total.get(k) for k in keys} if self.total else None,
            "attachment": self.attachment,
        }


@dataclass
class Chart:
    name: str  # file-safe; the image is <report>.<name>.png beside the report
    title: str
    png: bytes
    alt: str  # what the chart shows, in words (also for the plain text)

    @property
    def key_numbers(self) -> tuple[str, ...]:
        """The figures the chart labels ("JADA: $91.2K"), as exec_reporting.charts drew them."""
        return tuple(getattr(self.png, "key_numbers", ()))


@dataclass
class Section:
    key: str
    title: str
    lines: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # Set when the section has no data: one line saying so and which file would fill it.
    empty: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "lines": self.lines,
            "empty": self.empty,
            "charts": [
                {"name": c.name, "title": c.title, "alt": c.alt, "key_numbers": c.key_numbers}
                for c in self.charts
            ],
            "tables": [t.to_json() for t in self.tables],
        }


@dataclass
class Headline:
    label: str
    format: Format
    value: Any
    previous: Any = None  # last month's value: the change is shown
    target: Any = None
    better: Literal["higher", "lower"] | None = None
    glossary: str | None = None
    note: str | None = None  # replaces the value when there is none ("not burning")
    # The month's budget of the figure (budget.csv, metrics.budget_variance), when there is one
    # for everything the figure adds up (docs/decisions.md, 46).
    budget: Any = None

    def __post_init__(self) -> None:
        self.value = round_value(self.format, self.value)
        self.previous = round_value(self.format, self.previous)
        self.target = round_value(self.format, self.target)
        self.budget = round_value(self.format, self.budget)

    @property
    def change(self) -> Any:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def _beats(self, reference: Any) -> bool | None:
        if self.value is None or reference is None or self.better is None:
            return None
        return self.value >= reference if self.better == "higher" else self.value <= reference

    @property
    def good(self) -> bool | None:
        """Is the value on the right side of its target? Without a target, of its budget: the
        figure's colour says how it stands against what the card shows."""
        return self._beats(self.target if self.target is not None else self.budget)

    @property
    def on_target(self) -> bool | None:
        return self._beats(self.target)

    @property
    def on_budget(self) -> bool | None:
        return self._beats(self.budget)

    @property
    def budget_side(self) -> str | None:
        """Where the value stands against its budget, in words: "below budget" (a figure where
        higher is better), "over budget" (a cost), "on budget"."""
        if self.value is None or self.budget is None:
            return None
        if self.value == self.budget:
            return "on budget"
        if self.better == "lower":
            return "under budget" if self.value < self.budget else "over budget"
        return "above budget" if self.value > self.budget else "below budget"

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            # the figure's glossary key names what it is ("revenue", "cash_end"): a reader of the
            # JSON (and the test that compares figures across reports) finds figures by it
            "key": self.glossary,
            "kind": self.format,
            "value": self.value,
            "previous": self.previous,
            "change": self.change,
            "target": self.target,
            "better": self.better,
            "on_target": self.on_target,
            "budget": self.budget,
            "on_budget": self.on_budget,
            "note": self.note,
        }


@dataclass
class EntityAsOf:
    entity_id: str
    name: str
    # The last ledger line up to the month's end.
    last_ledger_date: date | None
    # How far the entity's data reaches (metrics.coverage), up to the month's end.
    data_through: date | None
    # The data stops before the month's last day.
    late: bool
    # While it stops early: the file that says how far it reaches, and how (docs/decisions.md #32).
    source_file: str | None = None
    covers_basis: str | None = None
    source_table: str | None = None

    @property
    def through(self) -> str:
        """ "2026-06-20 (harbor/bank/june.ofx, the statement's end)", or "no data"."""
        if self.data_through is None:
            return "no data"
        text = self.data_through.isoformat()
        if self.source_file:
            text += f" ({self.source_file}, {self.basis})"
        return text

    @property
    def basis(self) -> str:
        if self.covers_basis == "stated":
            return "the statement's end"
        if self.covers_basis == "latest_row":
            return "its latest balance" if self.source_table == "balances" else "its latest line"
        if self.covers_basis == "modified":
            return "the day before the file was written"
        return "how far it covers"


@dataclass
class DataNotes:
    month_end: date
    as_of: list[EntityAsOf] = field(default_factory=list)
    # (file, rows quarantined) for the files behind this report
    quarantined: list[tuple[str, int]] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)

    @property
    def late(self) -> list[EntityAsOf]:
        return [e for e in self.as_of if e.late]

    def to_json(self) -> dict[str, Any]:
        return {
            "month_end": self.month_end,
            "as_of": [
                {
                    "entity_id": e.entity_id,
                    "name": e.name,
                    "last_ledger_date": e.last_ledger_date,
                    "data_through": e.data_through,
                    "source_file": e.source_file,
                    "late": e.late,
                }
                for e in self.as_of
            ],
            "quarantined": [{"file": f, "rows": n} for f, n in self.quarantined],
            "missing_files": self.missing_files,
        }


@dataclass
class Report:
    spec: ReportSpec  # which report this is: its name, role and title
    config: ReportingConfig
    month: date
    # Domain reports are about one entity.
    entity_id: str | None = None
    entity_name: str | None = None
    headlines: list[Headline] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    data: DataNotes | None = None
    # Glossary keys footnoted beyond those named by columns and headlines.
    glossary_keys: list[str] = field(default_factory=list)
    # Each entity's grade (act, watch, on track; sql/reports/entity_grades.sql), by entity id,
    # in the order the reader needs them, for the reports that grade (CEO, CFO).
    grades: dict[str, str] = field(default_factory=dict)

    @property
    def fmt(self) -> Formatter:
        return Formatter(self.config.currency, self.config.locale)

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def name(self) -> str:
        """The file stem under reports_dir/<YYYY-MM>/: the report, plus the entity for domains."""
        return self.spec.name(self.entity_id)

    @property
    def period(self) -> str:
        return f"{self.month.year:04d}-{self.month.month:02d}"

    # How the page names the report's period, the period's word and the one its changes are on:
    # a month here; the weekly flash (reports/weekly.py) says its week.
    period_word = "month"
    previous_period = "last month"

    @property
    def period_label(self) -> str:
        """The period in the report's title: "October 2026"."""
        return self.fmt.month(self.month)

    @property
    def preliminary(self) -> bool:
        """An entity's data stops before the month's end and the owner has not closed the month
        (`closed_months`): the figures may still change. Such a pack goes out only after
        period_close.deadline_day, marked so (docs/operations.md, period close)."""
        return bool(self.data and self.data.late) and self.period not in self.config.closed_months

    @property
    def subject(self) -> str:
        """ "Executive Report: CEO - Oct 2026 - revenue -12 % vs target, 14/23 KPIs met, ...": the
        report, the organization when the owner runs several portfolios, the month, then the
        report's verdict in clauses (its spec's `verdict_clauses`), the least important dropped
        until the subject fits SUBJECT_LIMIT with "Corrected: " before it (docs/decisions.md,
        verdict subjects)."""
        limit = SUBJECT_LIMIT - len(CORRECTED_PREFIX)
        entity = self.entity_name
        organization = self.config.organization if self.config.several_portfolios else None

        def head() -> str:
            text = SUBJECT_PREFIX + self.spec.role
            text += f": {entity}" if entity else ""
            text += f" - {organization}" if organization else ""
            text += f" - {self.fmt.month_short(self.month)}"
            return PRELIMINARY_PREFIX + text if self.preliminary else text

        # names too long for any subject lose whole words, the organization's first
        while len(head()) > limit and organization:
            organization = fewer_words(organization)
        while len(head()) > limit and entity:
            entity = fewer_words(entity)
        clauses = self.spec.verdict_clauses(self) if self.spec.verdict_clauses else []
        return fit_subject(head(), clauses, limit)

    @property
    def charts(self) -> list[Chart]:
        return [chart for section in self.sections for chart in section.charts]

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def attachments(self) -> dict[int, str]:
        """The CSV file name of each table the email attaches, by id(table): the builder's
        `attachment`, and for every other table the email trims, a name of its section's key
        ("kpi_gaps.csv", "aging-2.csv"), so that the whole table always goes with the email."""
        names = {id(t): t.attachment for t in self.tables if t.attachment}
        taken = set(names.values())
        for section in self.sections:
            trimmed = [t for t in section.tables if t.trimmed and not t.attachment]
            for number, table in enumerate(trimmed, start=1):
                stem = section.key if len(trimmed) == 1 else f"{section.key}-{number}"
                name, extra = f"{stem}.csv", 1
                while name in taken:
                    extra += 1
                    name = f"{stem}-{extra}.csv"
                names[id(table)] = name
                taken.add(name)
        return names

    def used_glossary(self) -> list[str]:
        keys = list(self.glossary_keys)
        keys += [h.glossary for h in self.headlines if h.glossary]
        keys += [c.glossary_key for t in self.tables for c in t.columns if c.glossary_key]
        return list(dict.fromkeys(keys))

    def shown_glossary(self, email: bool = True) -> list[str]:
        """The glossary keys of the figures the report shows, which it defines at its end: its
        headlines', `glossary_keys`, and those of the figure columns of the tables that have rows
        (the columns the email shows, or with `email` False every column, as the Markdown shows).
        Words, names and dates need no definition in an email: docs/glossary.md has them."""
        keys = list(self.glossary_keys)
        keys += [h.glossary for h in self.headlines if h.glossary]
        for table in self.tables:
            if table.rows:
                columns = table.email_columns if email else table.columns
                keys += [c.glossary_key for c in columns if c.numeric and c.glossary_key]
        return list(dict.fromkeys(keys))

    def _section_json(self, section: Section, attachments: dict[int, str]) -> dict[str, Any]:
        out = section.to_json()
        for table, table_json in zip(section.tables, out["tables"], strict=True):
            table_json["attachment"] = attachments.get(id(table))
        return out

    def to_json(self) -> dict[str, Any]:
        attachments = self.attachments()
        return {
            "report": self.spec.report,
            "name": self.name,
            "subject": self.subject,
            "organization": self.config.organization,
            "month": self.period,
            "currency": self.config.currency,
            "entity_id": self.entity_id,
            "headlines": [h.to_json() for h in self.headlines],
            "verdicts": self.verdicts,
            "grades": self.grades,
            "sections": [self._section_json(s, attachments) for s in self.sections],
            "data": self.data.to_json() if self.data else None,
            "preliminary": self.preliminary,
            "glossary": self.used_glossary(),
        }
