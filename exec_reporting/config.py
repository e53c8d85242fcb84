"""The configuration model: `reporting.yaml`, validated with pydantic.

Found at $EXEC_REPORTING_CONFIG, else ./reporting.yaml. Relative paths in the file are relative to
the file itself. Errors name the file, the key path and what was expected.
"""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

CONFIG_ENV = "EXEC_REPORTING_CONFIG"
DEFAULT_CONFIG_NAME = "reporting.yaml"

PERSONAS = ("ceo", "cto", "cfo", "cmo", "accounting")
ENTITY_KINDS = ("charter", "hauling", "agency", "rental", "logistics", "holding")

# Columns a KPI may name: the monthly figures of metrics.monthly_pnl, metrics.burn and
# metrics.break_even (see docs/metrics.md).
KPI_METRICS = (
    "revenue",
    "cogs",
    "gross_profit",
    "gross_margin_pct",
    "opex",
    "operating_income",
    "gross_burn",
    "net_burn",
    "net_burn_avg_3m",
    "cash_end",
    "runway_months",
    "fixed_costs",
    "variable_costs",
    "contribution_margin_ratio",
    "break_even_revenue",
    "revenue_gap",
)


class ConfigError(ValueError):
    """The configuration file is missing or invalid; the message says where and why."""


class _Model(BaseModel):
    # A misspelt key is an error, not a silently ignored setting.
    model_config = ConfigDict(extra="forbid", frozen=True)


MonthStr = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class Kpi(_Model):
    metric: Literal[KPI_METRICS]  # type: ignore[valid-type]
    target: Decimal
    better: Literal["higher", "lower"] = "higher"


class Entity(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    name: str
    kind: Literal[ENTITY_KINDS]  # type: ignore[valid-type]
    opening_cash: Decimal = Decimal("0")
    kpis: list[Kpi] = Field(default_factory=list)

    @field_validator("opening_cash")
    @classmethod
    def _two_decimals(cls, value: Decimal) -> Decimal:
        if value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError("expected an amount with at most 2 decimals")
        return value


class Recipients(_Model):
    to: list[EmailStr] = Field(min_length=1)


class DeliveryConfig(_Model):
    transport: Literal["outbox"] = "outbox"
    sender: EmailStr
    bcc: list[EmailStr] = Field(default_factory=list)
    outbox_dir: Path = Path("state/outbox")


class ReportingConfig(_Model):
    organization: str
    timezone: str = "UTC"
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    # How numbers, money and dates are written in reports (a CLDR locale such as en_US, de_DE).
    locale: str = "en_US"
    data_dir: Path
    warehouse: Path = Path("state/warehouse.duckdb")
    reports_dir: Path = Path("state/reports")
    first_month: MonthStr = "2020-01"
    entities: list[Entity] = Field(min_length=1)
    personas: dict[Literal[PERSONAS], Recipients] = Field(default_factory=dict)  # type: ignore[valid-type]
    delivery: DeliveryConfig

    # Where the file was read from; every relative path above is resolved against it.
    _source: Path | None = PrivateAttr(default=None)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: expected an IANA name such as America/Los_Angeles"
            ) from None
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(value)
        except (UnknownLocaleError, ValueError):
            raise ValueError(f"unknown locale {value!r}: expected a name such as en_US") from None
        return value

    @model_validator(mode="after")
    def _unique_entity_ids(self) -> ReportingConfig:
        seen: set[str] = set()
        for entity in self.entities:
            if entity.id in seen:
                raise ValueError(f"entity id {entity.id!r} appears twice: ids must be unique")
            seen.add(entity.id)
        return self

    # -- derived values -------------------------------------------------------------------
    @property
    def base_dir(self) -> Path:
        return self._source.parent if self._source else Path.cwd()

    @property
    def source(self) -> Path | None:
        return self._source

    def path(self, value: Path) -> Path:
        """A path from the file, made absolute against the file's folder."""
        return value if value.is_absolute() else (self.base_dir / value).resolve()

    @property
    def data_path(self) -> Path:
        return self.path(self.data_dir)

    @property
    def warehouse_path(self) -> Path:
        return self.path(self.warehouse)

    @property
    def reports_path(self) -> Path:
        return self.path(self.reports_dir)

    @property
    def outbox_path(self) -> Path:
        return self.path(self.delivery.outbox_dir)

    @property
    def dagster_home(self) -> Path:
        """The Dagster instance lives beside the warehouse unless DAGSTER_HOME is set."""
        env = os.environ.get("DAGSTER_HOME")
        return Path(env) if env else self.warehouse_path.parent / "dagster"

    @property
    def first_month_date(self) -> date:
        year, month = self.first_month.split("-")
        return date(int(year), int(month), 1)

    def entity(self, entity_id: str) -> Entity:
        for entity in self.entities:
            if entity.id == entity_id:
                return entity
        raise KeyError(entity_id)

    def recipients(self, persona: str) -> list[str]:
        recipients = self.personas.get(persona)
        return list(recipients.to) if recipients else []


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where the configuration is read from: the argument, $EXEC_REPORTING_CONFIG, ./reporting.yaml."""
    raw = explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_NAME
    return Path(raw).expanduser().resolve()


def _key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += f".{part}" if out else part
        else:  # pydantic's own labels, such as a union branch name: not a key
            continue
    return out or "(top level)"


def format_validation_error(path: Path, error: ValidationError) -> str:
    lines = [f"{path}: invalid configuration ({error.error_count()} problem(s))"]
    for item in error.errors():
        loc = _key_path(tuple(item["loc"]))
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key (check its spelling against docs/configuration.md)"
        elif item["type"] == "missing":
            message = "required key is missing"
        elif item["type"] == "literal_error":
            message = f"expected {item['ctx']['expected']}, got {item['input']!r}"
        elif item["type"] == "string_pattern_mismatch":
            message = f"got {item['input']!r}, expected a value matching {item['ctx']['pattern']}"
        lines.append(f"  {loc}: {message}")
    return "\n".join(lines)


def parse_config(data: object, path: Path) -> ReportingConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a YAML mapping of keys at the top level")
    try:
        config = ReportingConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(format_validation_error(path, error)) from None
    config._source = path
    return config


def load_config(explicit: str | os.PathLike[str] | None = None) -> ReportingConfig:
    """Read and validate the configuration; raise ConfigError with a readable message."""
    path = config_path(explicit)
    if not path.is_file():
        raise ConfigError(
            f"{path}: configuration file not found. Set ${CONFIG_ENV} or run from a folder "
            f"holding {DEFAULT_CONFIG_NAME}."
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}:{where} not valid YAML: {error}") from None
    return parse_config(data, path)
