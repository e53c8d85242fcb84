"""Account mapping rules: which account each imported ledger line goes to.

An entity whose ledger comes from bank statements or exports (docs/importing.md) keeps its rules
in a YAML file in its folder (`rules:` in reporting.yaml, default `rules.yaml`), in the spirit of
hledger's CSV rules: an ordered list of patterns on a line's description or counterparty, the
first that matches giving the account code (and optionally the counterparty). A line no rule
matches gets `accounting.uncategorized_account`. The file is validated here, naming the file, the
rule and its line; the matching itself is SQL (sql/ingest/categorize.sql).

    rules:
      - match: "stripe payout"        # a regular expression (RE2), case-insensitive, anywhere
        account: "1100"
        counterparty: Stripe           # optional: the line's counterparty from now on
      - match: "^(shell|chevron)"
        field: counterparty            # description, counterparty or any (the default: either)
        account: "5000"
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from exec_reporting.config import AccountCode, _DuplicateKeyError, _key_path, _UniqueKeyLoader

FIELDS = ("description", "counterparty", "any")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AccountRule(_Strict):
    # A regular expression in RE2 syntax (DuckDB's), matched case-insensitively anywhere in the
    # text: "coffee" matches "Blue Bottle Coffee #12".
    match: Annotated[str, Field(min_length=1)]
    field: Literal[FIELDS] = "any"  # type: ignore[valid-type]
    account: AccountCode
    counterparty: Annotated[str, Field(min_length=1)] | None = None


class AccountRulesFile(_Strict):
    rules: list[AccountRule] = Field(default_factory=list)


class AccountRulesError(ValueError):
    """A rules file that cannot be used: the message names the file, the rule and its line."""


@dataclass(frozen=True)
class NumberedRule:
    """A rule with its number (1 for the first) and the line it starts on."""

    number: int
    line: int
    rule: AccountRule


def _rule_lines(text: str) -> list[int]:
    """The line each item of the top-level `rules:` list starts on."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "rules" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _where(index: int | None, lines: list[int]) -> str:
    if index is None:
        return ""
    line = f" (line {lines[index]})" if index < len(lines) else ""
    return f"rule {index + 1}{line}: "


def load_account_rules(path: Path) -> list[NumberedRule]:
    """The rules of `path`, in order; AccountRulesError naming the file, the rule and the line
    when the file is not a valid rules file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise AccountRulesError(
            f"{path}: not UTF-8 text ({error.reason}): save it as UTF-8"
        ) from None
    except OSError as error:
        raise AccountRulesError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except _DuplicateKeyError as error:
        raise AccountRulesError(
            f"{path}: line {error.second_line}: key {error.key!r} appears twice in the same "
            f"mapping (lines {error.first_line} and {error.second_line}): remove one of them"
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        raise AccountRulesError(f"{path}:{where} not valid YAML: {error}") from None
    if data is None:
        return []
    if not isinstance(data, dict):
        raise AccountRulesError(f"{path}: expected a mapping with a list `rules:` at the top")
    lines = _rule_lines(text)
    try:
        parsed = AccountRulesFile.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = tuple(item["loc"])
            index = (
                loc[1] if len(loc) > 1 and loc[0] == "rules" and isinstance(loc[1], int) else None
            )
            key = _key_path(loc[2:]) if index is not None else _key_path(loc)
            message = item["msg"]
            if item["type"] == "extra_forbidden":
                message = "unknown key (expected match, field, account, counterparty)"
            elif item["type"] == "missing":
                message = "required key is missing"
            elif item["type"] == "literal_error":
                message = f"expected {item['ctx']['expected']}, got {item['input']!r}"
            problems.append(f"  {_where(index, lines)}{key}: {message}")
        raise AccountRulesError(
            f"{path}: invalid account rules ({len(problems)} problem(s))\n" + "\n".join(problems)
        ) from None
    numbered = [
        NumberedRule(index + 1, lines[index] if index < len(lines) else 0, rule)
        for index, rule in enumerate(parsed.rules)
    ]
    _check_patterns(path, numbered, lines)
    return numbered


def _check_patterns(path: Path, rules: list[NumberedRule], lines: list[int]) -> None:
    """Every pattern compiles as the SQL that matches them compiles it (RE2, not Python's re)."""
    conn = duckdb.connect()
    try:
        for numbered in rules:
            try:
                conn.execute(
                    "select regexp_matches('', $pattern, 'i')", {"pattern": numbered.rule.match}
                ).fetchall()
            except duckdb.Error as error:
                reason = str(error).split(": ", 1)[-1]
                raise AccountRulesError(
                    f"{path}: {_where(numbered.number - 1, lines)}match: "
                    f"{numbered.rule.match!r} is not a valid regular expression ({reason}); "
                    r"write a literal ( . * + ? [ with a backslash before it: \("
                ) from None
    finally:
        conn.close()
