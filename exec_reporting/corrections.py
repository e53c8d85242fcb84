"""What changed between two editions of a report, for the "What changed" section that opens a
corrected edition: the figures of the JSON editions (headlines, then each table's rows matched by
their key, the stable id the table declares), then the sentences (verdicts, section lines).

Rows are matched by id, not by position: one action inserted at the top of a ranked plan is one
added row, not every row below it moved. An edition written before tables declared their key is
matched by the new edition's key where its rows show those columns, else by the new edition's
label, else by the first column.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from typing import Any, cast

from exec_reporting.formatting import Formatter
from exec_reporting.reports.model import Format, display

# At most this many changes are listed; the rest are counted.
MAX_LISTED = 12
# The id of a table's total row: there is one, whatever its label says.
_TOTAL = ("total",)


@dataclass(frozen=True)
class Change:
    where: str  # "Cash at month end", "Burn and runway / Queen of San Diego / Cash", "Verdict"
    # A figure's kind (money, months...); "row" for a row added or removed, whose old or new is
    # its cells [(column label, kind, value)]; "sentence" for a sentence, old or new its text.
    kind: str
    old: Any  # None: not in the old edition
    new: Any  # None: not in the new edition


def _pair(
    old: list[dict],
    new: list[dict],
    name: Callable[[dict], str],
    compatible: Callable[[dict, dict], bool] = lambda a, b: False,
) -> list[tuple[dict | None, dict | None]]:
    """Items of two editions paired by name, in the new edition's order, then the old ones that
    are gone. Left-over items are paired in order when compatible: a label that says a count
    ("KPIs met (of 5)") or a table title that does ("the 10 largest of 11")."""
    waiting: dict[str, list[int]] = {}
    for index, item in enumerate(old):
        waiting.setdefault(name(item), []).append(index)
    pairs: list[list[Any]] = []
    for item in new:
        same = waiting.get(name(item))
        pairs.append([same.pop(0) if same else None, item])
    left = sorted(index for indexes in waiting.values() for index in indexes)
    for pair in pairs:
        if pair[0] is None:
            match = next((i for i in left if compatible(old[i], pair[1])), None)
            if match is not None:
                left.remove(match)
                pair[0] = match
    return [(None if i is None else old[i], item) for i, item in pairs] + [
        (old[i], None) for i in left
    ]


def _either(before: dict | None, after: dict | None) -> dict:
    """A paired item as it is now, or as it was when it is gone (a pair has one at least)."""
    item = after or before
    assert item is not None, "a pair of two missing items"
    return item


# -- figures -----------------------------------------------------------------------------------


def _shown(headline: dict) -> Any:
    """A headline as the reader sees it: its value, or its note when it has none."""
    value = headline.get("value")
    return headline.get("note") if value is None else value


def _headline_changes(old: dict, new: dict) -> list[Change]:
    out = []
    pairs = _pair(
        old.get("headlines", []),
        new.get("headlines", []),
        name=lambda h: h["label"],
        compatible=lambda a, b: a["kind"] == b["kind"],
    )
    for before, after in pairs:
        headline = _either(before, after)
        was = None if before is None else _shown(before)
        now = None if after is None else _shown(after)
        if was != now:
            out.append(Change(headline["label"], headline["kind"], was, now))
    return out


def _key(table: dict) -> tuple[str, ...]:
    """The columns that identify a row; an edition without a key: the first column."""
    if table.get("key"):
        return tuple(table["key"])
    return (table["columns"][0]["key"],) if table["columns"] else ()


def _carries(table: dict | None, columns: tuple[str, ...]) -> bool:
    if table is None:
        return True
    shown = {c["key"] for c in table["columns"]}
    return all(c in shown or all(c in row for row in table["rows"]) for c in columns)


def _identity(before: dict | None, after: dict | None) -> tuple[str, ...]:
    """The columns both editions identify a row by: the new edition's key when the old
    edition's rows carry it too (an edition written before tables had keys shows most ids),
    else its label, else the old edition's key, else the first column."""
    candidates = []
    for table in (after, before):
        if table is not None:
            candidates += [_key(table), tuple(table.get("label") or ())]
    for columns in candidates:
        if columns and _carries(before, columns) and _carries(after, columns):
            return columns
    return candidates[0]


def _rows(table: dict | None, identity: tuple[str, ...]) -> dict[tuple, dict]:
    """A table's rows by id: the identity columns' values (a second row with the same values
    counted apart), the total row last."""
    if table is None:
        return {}
    out: dict[tuple, dict] = {}
    seen: dict[tuple, int] = {}
    for row in table["rows"]:
        values = tuple(row.get(c) for c in identity)
        seen[values] = seen.get(values, 0) + 1
        out[(values, seen[values])] = row
    if table.get("total"):
        out[(_TOTAL, 1)] = table["total"]
    return out


def _text(fmt: Formatter, kind: str, value: Any) -> str:
    if kind in ("date", "month") and isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value  # a word in a date column: a total row's "Last 12 months"
    # a format read back from a report's JSON (its `kind`)
    return display(fmt, cast(Format, kind), value)


def _labels(before: dict | None, after: dict | None) -> dict[str, tuple[str, ...]]:
    """The columns that name a row in each edition: the new edition's label wherever the rows
    carry it (an old edition names its rows by its first column otherwise)."""
    own = {
        side: tuple(table.get("label") or _key(table))
        for side, table in (("old", before), ("new", after))
        if table is not None
    }
    if "new" in own and "old" in own and _carries(before, own["new"]):
        own["old"] = own["new"]
    return own


def _row_name(table: dict, label: tuple[str, ...], row_id: tuple, row: dict, fmt: Formatter) -> str:
    kinds = {c["key"]: c["kind"] for c in table["columns"]}
    parts = [
        _text(fmt, kinds.get(c, "text"), row.get(c)) for c in label if row.get(c) not in (None, "")
    ]
    if not parts and row_id[0] == _TOTAL:
        first = row.get(table["columns"][0]["key"]) if table["columns"] else None
        parts = [str(first) if first not in (None, "") else "Total"]
    if not parts:
        parts = [str(v) for v in row_id[0] if v not in (None, "")] or ["a row without a name"]
    return ", ".join(parts)


def _names(
    tables: dict[str, dict | None],
    rows: dict[str, dict[tuple, dict]],
    labels: dict[str, tuple[str, ...]],
    fmt: Formatter,
) -> dict[tuple, str]:
    """Each row's name: its label, plus its id where two rows would read the same."""
    names = {}
    for side in ("old", "new"):  # a row in both editions: named as it is now
        table = tables[side]
        if table is None:  # a table only one edition has: no rows on this side
            continue
        for row_id, row in rows[side].items():
            names[row_id] = _row_name(table, labels[side], row_id, row, fmt)
    readers: dict[str, list[tuple]] = {}
    for row_id, name in names.items():
        readers.setdefault(name, []).append(row_id)
    for name, ids in readers.items():
        if len(ids) < 2:
            continue
        for row_id in ids:
            values, count = row_id
            shown = [str(v) for v in values if v not in (None, "") and str(v) not in name]
            suffix = ", ".join(shown)
            if count > 1:
                suffix = f"{suffix} #{count}" if suffix else f"#{count}"
            if suffix:
                names[row_id] = f"{name} ({suffix})"
    return names


def _cells(columns: list[dict], row: dict, skip: set[str]) -> list[tuple[str, str, Any]]:
    """A row added or removed, in a few words: its figures, without its name and id."""
    return [
        (c["label"], c["kind"], row.get(c["key"]))
        for c in columns
        if c["key"] not in skip and row.get(c["key"]) is not None
    ]


def _table_changes(
    where: str, before: dict | None, after: dict | None, fmt: Formatter
) -> list[Change]:
    identity = _identity(before, after)
    tables = {"old": before, "new": after}
    rows = {"old": _rows(before, identity), "new": _rows(after, identity)}
    labels = _labels(before, after)
    names = _names(tables, rows, labels, fmt)
    shown = [t for t in (after, before) if t is not None]
    # every column either edition shows, but the ids and the places in a ranked order
    positions = {c["key"] for t in shown for c in t["columns"] if c.get("position")}
    columns: dict[str, dict] = {}
    for table in shown:  # the new edition's columns first, in its order
        for column in table["columns"]:
            columns.setdefault(column["key"], column)
    compared = [c for c in columns.values() if c["key"] not in {*identity, *positions}]

    # a side with rows has its table
    shows = {side: table["columns"] if table else [] for side, table in tables.items()}
    out = []
    for row_id, row in rows["new"].items():
        name = f"{where} / {names[row_id]}"
        if row_id not in rows["old"]:
            cells = _cells(shows["new"], row, {*identity, *positions, *labels["new"]})
            out.append(Change(name, "row", None, cells))
            continue
        was = rows["old"][row_id]
        for column in compared:
            key = column["key"]
            if was.get(key) != row.get(key):
                label = f"{name} / {column['label']}"
                out.append(Change(label, column["kind"], was.get(key), row.get(key)))
    for row_id, row in rows["old"].items():
        if row_id not in rows["new"]:
            cells = _cells(shows["old"], row, {*identity, *positions, *labels["old"]})
            out.append(Change(f"{where} / {names[row_id]}", "row", cells, None))
    return out


def _same_columns(a: dict, b: dict) -> bool:
    return [c["key"] for c in a["columns"]] == [c["key"] for c in b["columns"]]


def _section_pairs(old: dict, new: dict) -> list[tuple[dict | None, dict | None]]:
    return _pair(old.get("sections", []), new.get("sections", []), name=lambda s: s["key"])


# -- sentences ---------------------------------------------------------------------------------


def _sentences(section: dict | None) -> list[str]:
    if section is None:
        return []
    return list(section.get("lines") or []) + ([section["empty"]] if section.get("empty") else [])


def _subject(sentence: str) -> str:
    """What a sentence is about, when it says so first: "JADA" of "JADA: burning ..."."""
    head, colon, _ = sentence.partition(": ")
    return head if colon and len(head) < 60 else ""


def _sentence_changes(where: str, old: list[str], new: list[str]) -> list[Change]:
    """The sentences that differ, in the new edition's order, then those gone. A sentence that
    changed is paired with the one it replaces (the same subject, else the most alike), wherever
    it moved, so a verdict re-ordered with its figures reads as before and after."""
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    gone: list[int] = []
    added: list[int] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            gone += range(i1, i2)
            added += range(j1, j2)
    candidates = []  # (same subject, likeness, new index, old index)
    for i in gone:
        for j in added:
            likeness = SequenceMatcher(a=old[i], b=new[j], autojunk=False).ratio()
            same = bool(_subject(old[i])) and _subject(old[i]) == _subject(new[j])
            if same or likeness >= 0.5:
                candidates.append((same, likeness, j, i))
    replaced: dict[int, int] = {}  # new index -> the old sentence it replaces
    for _, _, j, i in sorted(candidates, key=lambda c: (not c[0], -c[1], c[2], c[3])):
        if j not in replaced and i not in replaced.values():
            replaced[j] = i
    out = [
        Change(where, "sentence", old[replaced[j]] if j in replaced else None, new[j])
        for j in added
    ]
    kept = set(replaced.values())
    return out + [Change(where, "sentence", old[i], None) for i in gone if i not in kept]


# -- the changes -------------------------------------------------------------------------------


def _data_notes(edition: dict[str, Any]) -> list[str]:
    """What a report says about its data, sentence by sentence: each entity's as-of date, the
    quarantined rows per file, the files missing."""
    data = edition.get("data") or {}
    notes = []
    for entry in data.get("as_of", []):
        # editions before coverage said only the last ledger date
        through = entry.get("data_through", entry.get("last_ledger_date"))
        notes.append(
            f"{entry['name']}: data through {through or 'no date'}"
            + (f" ({entry['source_file']})" if entry.get("source_file") else "")
            + (", before the month's end" if entry.get("late") else "")
        )
    for entry in data.get("quarantined", []):
        notes.append(f"{entry['file']}: {entry['rows']} row(s) quarantined")
    notes += [f"No {name}" for name in data.get("missing_files", [])]
    return notes


def changes(old: dict[str, Any], new: dict[str, Any], fmt: Formatter | None = None) -> list[Change]:
    """What differs between two JSON editions, in the order the new edition shows it: figures
    (headlines, table rows by id), then sentences (verdicts, section lines, the notes on the
    data). An empty list: nothing a reader sees differs."""
    fmt = fmt or Formatter(new.get("currency") or old.get("currency") or "USD")
    figures = _headline_changes(old, new)
    sentences = _sentence_changes("Verdict", old.get("verdicts") or [], new.get("verdicts") or [])
    for before, after in _section_pairs(old, new):
        section = _either(before, after)
        tables = _pair(
            [] if before is None else before.get("tables", []),
            [] if after is None else after.get("tables", []),
            name=lambda t: t.get("title") or "",
            compatible=_same_columns,
        )
        for old_table, new_table in tables:
            table = _either(old_table, new_table)
            if not table["columns"]:
                continue
            where = section["title"] + (f" / {table['title']}" if table.get("title") else "")
            figures += _table_changes(where, old_table, new_table, fmt)
        sentences += _sentence_changes(section["title"], _sentences(before), _sentences(after))
    sentences += _sentence_changes("What the data is", _data_notes(old), _data_notes(new))
    return figures + sentences


def _value(fmt: Formatter, kind: str, value: Any) -> str:
    return "none" if value is None else _text(fmt, kind, value)


def _row(fmt: Formatter, cells: list[tuple[str, str, Any]]) -> str:
    return "; ".join(f"{label}: {_value(fmt, kind, value)}" for label, kind, value in cells)


def _line(change: Change, fmt: Formatter) -> str:
    if change.kind == "sentence":
        if change.old is None:
            return f'{change.where}: added "{change.new}"'
        if change.new is None:
            return f'{change.where}: removed "{change.old}"'
        return f'{change.where}: "{change.old}" → "{change.new}"'
    if change.kind == "row":
        cells = change.new if change.old is None else change.old
        what = "added" if change.old is None else "removed"
        return f"{change.where}: {what}" + (f" ({_row(fmt, cells)})" if cells else "")
    return (
        f"{change.where}: {_value(fmt, change.kind, change.old)} → "
        f"{_value(fmt, change.kind, change.new)}"
    )


def describe(found: list[Change], fmt: Formatter) -> list[str]:
    """One line per change, figures first, then sentences: "Cash at month end: $5,300.00 →
    $5,400.00". At most MAX_LISTED lines, of which sentences keep a third when there are more
    figures than fit (a sentence such as the deployable cash holds figures of its own); the rest
    are counted."""
    figures = [c for c in found if c.kind != "sentence"]
    sentences = [c for c in found if c.kind == "sentence"]
    sentence_room = min(len(sentences), max(MAX_LISTED - len(figures), MAX_LISTED // 3))
    listed = (figures[: MAX_LISTED - sentence_room], sentences[:sentence_room])
    lines = [_line(c, fmt) for group in listed for c in group]
    more = [
        f"{len(group) - len(shown)} more {what}(s)"
        for group, shown, what in zip(
            (figures, sentences), listed, ("figure", "sentence"), strict=True
        )
        if len(group) > len(shown)
    ]
    if more:
        lines.append(f"... and {' and '.join(more)}.")
    return lines


def section_text(lines: list[str]) -> str:
    intro = (
        "WHAT CHANGED\nThis edition corrects the one sent before: the data behind it was "
        "corrected. Changed figures, then changed sentences (before → now):"
    )
    body = "\n".join(f"  - {line}" for line in lines)
    return f"{intro}\n{body}\n"


def section_html(lines: list[str]) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="border:2px solid #b42318;margin:12px 0"><tr><td style="padding:8px 12px;'
        'font-family:Arial,Helvetica,sans-serif;font-size:13px;color:#1f2933">'
        '<p style="margin:0 0 6px 0;font-weight:bold;color:#b42318">What changed</p>'
        '<p style="margin:0 0 6px 0">This edition corrects the one sent before: the data '
        "behind it was corrected. Changed figures, then changed sentences (before &rarr; "
        "now):</p>"
        f'<ul style="margin:0;padding-left:18px">{items}</ul></td></tr></table>'
    )
