"""The CEO's action rules: a file the owner can review (exec_reporting/rules/actions.yaml, or
config `ceo.action_rules`), each rule turning a missed KPI or an open finding into an action with
an owner, a due date and an impact in money. The file is validated here and written into the
table config.action_rules with the other settings; the matching, the impact and the ranking are
SQL (sql/reports/ceo_actions.sql).
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from exec_reporting.config import KPI_METRICS, PERSONAS, ConfigError

# The placeholders an action template may use, by the kind of item it turns into an action.
# The names of what an action is about (a channel, an account, a client, an invoice, a
# component) are filled from the metric store by sql/reports/ceo_actions.sql; the rules file's
# header says what each one holds.
PLACEHOLDERS = {
    "kpi": frozenset(
        {
            "entity",
            "kpi",
            "actual",
            "target",
            "gap",
            "channel",
            "largest_cost",
            "largest_expense",
            "largest_fixed_cost",
            "largest_direct_cost",
            "largest_variable_cost",
            "collect_actions",
            "owed",
        }
    ),
    "finding": frozenset(
        {
            "entity",
            "finding_id",
            "title",
            "detail",
            "amount",
            "rule",
            "source",
            "severity",
            "component",
            "client",
            "invoices",
            "days_past_due",
        }
    ),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleMatch(_Strict):
    """What a rule applies to; a key left out matches anything."""

    kind: Literal["kpi", "finding"]
    entity: str | None = None
    metric: Literal[KPI_METRICS] | None = None  # type: ignore[valid-type]
    source: str | None = None
    rule: str | None = None
    severity: Literal["critical", "high", "medium", "low"] | None = None
    faces_customers: bool | None = None

    @model_validator(mode="after")
    def _keys_fit_the_kind(self) -> RuleMatch:
        if self.kind == "kpi":
            finding_keys = ("source", "rule", "severity", "faces_customers")
            wrong = [k for k in finding_keys if getattr(self, k) is not None]
            if wrong:
                raise ValueError(f"{', '.join(wrong)}: only for kind finding")
        elif self.metric is not None:
            raise ValueError("metric: only for kind kpi")
        return self


class ActionRule(_Strict):
    match: RuleMatch
    action: Annotated[str, Field(min_length=1)]
    owner: Literal[PERSONAS]  # type: ignore[valid-type]
    due_days: Annotated[int, Field(ge=1, le=30)]
    impact: Literal["gap", "amount", "none"]

    @model_validator(mode="after")
    def _template_and_impact_fit_the_kind(self) -> ActionRule:
        kind = self.match.kind
        try:
            fields = list(string.Formatter().parse(self.action))
        except ValueError as error:
            raise ValueError(f"action: not a valid template ({error})") from None
        for _text, name, spec, conversion in fields:
            if name is None:
                continue
            if name not in PLACEHOLDERS[kind]:
                allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS[kind]))
                raise ValueError(
                    f"action: unknown placeholder {{{name}}} for kind {kind} (use {allowed})"
                )
            if spec or conversion:
                raise ValueError(f"action: write {{{name}}} without a format")
        if self.impact == "gap" and kind != "kpi":
            raise ValueError("impact: gap is only for kind kpi (use amount or none)")
        if self.impact == "amount" and kind != "finding":
            raise ValueError("impact: amount is only for kind finding (use gap or none)")
        return self


class ActionRules(_Strict):
    rules: list[ActionRule]


def _where(loc: tuple) -> str:
    """A pydantic error location as the rule it is in: `rule 3 (match.metric)`."""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rest = ".".join(str(part) for part in loc[2:] if isinstance(part, str))
        return f"rule {loc[1] + 1}" + (f" ({rest})" if rest else "")
    return ".".join(str(part) for part in loc) or "(top level)"


def load_action_rules(path: Path, entity_ids: set[str] | None = None) -> list[ActionRule]:
    """The rules of the file, validated; a ConfigError names the file and the rule (from 1)."""
    if not path.is_file():
        raise ConfigError(f"{path}: action rules file not found (config ceo.action_rules)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    try:
        rules = ActionRules.model_validate(data).rules
    except ValidationError as error:
        problems = [f"  {_where(tuple(e['loc']))}: {e['msg']}" for e in error.errors()]
        raise ConfigError("\n".join([f"{path}: invalid action rules", *problems])) from None
    for number, rule in enumerate(rules, start=1):
        if entity_ids is not None and rule.match.entity not in (None, *entity_ids):
            raise ConfigError(
                f"{path}: invalid action rules\n  rule {number} (match.entity): "
                f"{rule.match.entity!r} is not an entity id of reporting.yaml"
            )
    return rules


def rule_rows(rules: list[ActionRule]) -> list[tuple]:
    """The rules as rows of config.action_rules (sql/config/schema.sql), in file order."""
    return [
        (
            index,
            rule.match.kind,
            rule.match.entity,
            rule.match.metric,
            rule.match.source,
            rule.match.rule,
            rule.match.severity,
            rule.action,
            rule.owner,
            rule.due_days,
            rule.impact,
            rule.match.faces_customers,
        )
        for index, rule in enumerate(rules, start=1)
    ]
