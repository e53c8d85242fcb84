"""The one glossary of metric definitions (the files of exec_reporting/glossary/) that every
report footnotes, so the same number means the same thing in every report. An email defines the
figures it shows in one sentence each; the whole glossary is docs/glossary.md, written from the
same files (`exec-reporting glossary --write docs/glossary.md`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

GLOSSARY_DIR = Path(__file__).resolve().parent / "glossary"


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    unit: str
    definition: str


def _files() -> dict[str, dict[str, dict]]:
    """Each file of exec_reporting/glossary/ (by its stem, in name order) and its entries."""
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for path in sorted(GLOSSARY_DIR.glob("*.yaml"))
    }


def raw_entries() -> dict[str, dict]:
    """Every entry of every file in exec_reporting/glossary/; a key defined twice is an error."""
    entries: dict[str, dict] = {}
    for stem, file_entries in _files().items():
        for key, entry in file_entries.items():
            if key in entries:
                raise ValueError(f"glossary key {key!r} is defined twice ({stem}.yaml)")
            entries[key] = entry
    return entries


@cache
def glossary() -> dict[str, Term]:
    return {
        key: Term(key, entry["label"], entry["unit"], " ".join(entry["definition"].split()))
        for key, entry in raw_entries().items()
    }


def terms(keys: list[str]) -> list[Term]:
    """The entries for `keys`, in order; an unknown key is an error (a typo in a report)."""
    entries = glossary()
    missing = [key for key in keys if key not in entries]
    if missing:
        raise KeyError(f"not in the glossary (exec_reporting/glossary/): {', '.join(missing)}")
    return [entries[key] for key in keys]


# A full stop ends a sentence when a space and a capital (or an opening bracket or quote) follow
# it, unless it closes an abbreviation ("e.g. Stripe").
_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)(?<!\bvs)(?<!etc)[.!?](?=\s+[A-Z(\"'])")


def first_sentence(definition: str) -> str:
    """The first sentence of a definition: what an email shows (the rest is in
    docs/glossary.md)."""
    text = " ".join(definition.split())
    end = _SENTENCE_END.search(text)
    return text[: end.end()] if end else text


GLOSSARY_DOC = "docs/glossary.md"


def glossary_markdown() -> str:
    """docs/glossary.md: every entry of every glossary file, by file, in the files' order."""
    out = [
        "# Glossary",
        "",
        "Every figure the reports show, defined once (written from exec_reporting/glossary/*.yaml by",
        "`exec-reporting glossary --write docs/glossary.md`; tests/test_trust.py checks it is up to",
        "date). An email defines the figures it shows, in the first sentence of their entry here.",
        "Money is in the currency reporting.yaml configures; a ratio is shown as a percentage.",
    ]
    entries = glossary()
    for stem, file_entries in _files().items():
        out += ["", f"## {stem}", ""]
        for key in file_entries:
            term = entries[key]
            unit = "the KPI's unit" if file_entries[key].get("unit_of") else term.unit
            out.append(f"- **{term.label}** (`{key}`, {unit}): {term.definition}")
    return "\n".join(out) + "\n"


def by_file() -> list[tuple[str, list[Term]]]:
    """The glossary as docs/glossary.md lays it out: each file's stem and its entries, in the
    files' order (the archive's glossary page)."""
    entries = glossary()
    return [
        (stem, [entries[key] for key in file_entries]) for stem, file_entries in _files().items()
    ]
