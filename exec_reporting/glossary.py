"""The one glossary of metric definitions (the files of exec_reporting/glossary/) that every
report footnotes, so the same number means the same thing in every report."""

from __future__ import annotations

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


def raw_entries() -> dict[str, dict]:
    """Every entry of every file in exec_reporting/glossary/; a key defined twice is an error."""
    entries: dict[str, dict] = {}
    for path in sorted(GLOSSARY_DIR.glob("*.yaml")):
        for key, entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in entries:
                raise ValueError(f"glossary key {key!r} is defined twice ({path.name})")
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
