"""The configuration model: `reporting.yaml`, validated with pydantic.

Found at $EXEC_REPORTING_CONFIG, else ./reporting.yaml. Relative paths in the file are relative to
the file itself. Errors name the file, the key path and what was expected.
"""

from __future__ import annotations

import codecs
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    EmailStr,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

CONFIG_ENV = "EXEC_REPORTING_CONFIG"
DEFAULT_CONFIG_NAME = "reporting.yaml"

PERSONAS = ("ceo", "cto", "cfo", "cmo", "accounting")
ENTITY_KINDS = ("charter", "hauling", "agency", "rental", "logistics", "holding")
REVENUE_BASES = ("cash", "accrual")

# Columns a KPI may name: the monthly figures of metrics.monthly_pnl, metrics.burn and
# metrics.break_even (see docs/metrics.md), and the runway on cash burn of metrics.cash_burn (the
# runway every report shows; `runway_months` is metrics.burn's, on the operating burn).
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
    "cash_runway_months",
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


def _account_code(value: object) -> object:
    # YAML reads 6999 as a number; an account code is text (quote one that starts with 0)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and not value.strip():
        raise ValueError("expected an account code such as 6999")
    return value.strip() if isinstance(value, str) else value


AccountCode = Annotated[str, BeforeValidator(_account_code)]


class Kpi(_Model):
    metric: Literal[KPI_METRICS]  # type: ignore[valid-type]
    target: Decimal
    better: Literal["higher", "lower"] = "higher"


# What a source's files are (docs/importing.md). Each becomes canonical ledger rows.
SOURCE_FORMATS = (
    "canonical",
    "ofx",
    "qbo_transaction_detail",
    "xero_account_transactions",
    "stripe_balance",
    "bank_csv",
)
# `encoding: auto`: the encoding is found from the file's bytes (docs/importing.md, encodings).
AUTO_ENCODING = "auto"


def _known_encoding(value: str | None) -> str | None:
    if value is None or value == AUTO_ENCODING:
        return value
    try:
        codecs.lookup(value)
    except LookupError:
        raise ValueError(
            f"unknown encoding {value!r}: expected auto or a name such as utf-8, windows-1252, "
            "latin-1, utf-16"
        ) from None
    return value


def _relative_glob(value: str) -> str:
    """A path or glob under the entity's folder: never absolute, never out of it."""
    text = value.strip()
    if not text:
        raise ValueError("expected a file name or pattern such as bank/*.ofx")
    if text.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", text):
        raise ValueError(
            f"{value!r}: expected a path under the entity's folder, not an absolute one"
        )
    if ".." in re.split(r"[/\\]", text):
        raise ValueError(f"{value!r}: '..' would leave the entity's folder")
    return text


SourcePath = Annotated[str, AfterValidator(_relative_glob)]
Encoding = Annotated[str | None, AfterValidator(_known_encoding)]


class _Source(_Model):
    # Files of the source: a name or a glob (bank/*.ofx) under the entity's folder.
    path: SourcePath
    # How the files' bytes are text: auto, or a codec name (utf-8, windows-1252, latin-1,
    # utf-16). Default: the format's (canonical: utf-8; others: auto). A byte-order mark wins.
    encoding: Encoding = None


class CanonicalSource(_Source):
    """The files of the input contract (docs/data-contract.md): `ledger.csv`, and with it the
    entity's other contract files (bookings.csv, ...), read with this source's encoding."""

    format: Literal["canonical"]
    path: SourcePath = "ledger.csv"


class OfxSource(_Source):
    """Bank and card statements in OFX or QFX (SGML version 1, XML version 2)."""

    format: Literal["ofx"]


class BankCsvColumns(_Model):
    """Which column of the bank's CSV holds what (as its header names it; case and surrounding
    spaces do not matter). Either `amount`, or `debit` and `credit`."""

    date: str
    description: str
    amount: str | None = None
    # money out and money in, each as a positive figure (a sign is ignored: the column says it)
    debit: str | None = None
    credit: str | None = None
    counterparty: str | None = None
    # the bank's own id of the line, when the export has one: it becomes the txn_id
    id: str | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> BankCsvColumns:
        if self.amount is not None and (self.debit is not None or self.credit is not None):
            raise ValueError("give either amount, or debit and credit, not both")
        if self.amount is None and (self.debit is None or self.credit is None):
            raise ValueError("give amount, or both debit and credit")
        names = [_header_name(n) for n in self.named().values()]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"column {repeated[0]!r} is named for two roles")
        return self

    def named(self) -> dict[str, str]:
        """Role -> the column's name in the file, for the roles mapped, in reading order."""
        roles = ("date", "amount", "debit", "credit", "description", "counterparty", "id")
        return {role: getattr(self, role) for role in roles if getattr(self, role) is not None}


def _header_name(name: str) -> str:
    return name.strip().lower()


def _date_format(value: str) -> str:
    directives = set(re.findall(r"%([a-zA-Z])", value))
    if not directives & {"Y", "y"} or not directives & {"m", "b", "B"} or "d" not in directives:
        raise ValueError(
            f"{value!r}: expected a format with a year, a month and a day, such as %m/%d/%Y "
            "(%Y year, %m month, %d day)"
        )
    return value


class BankCsvSource(_Source):
    """Any bank's or card's CSV, through a mapping: nothing about it is guessed."""

    format: Literal["bank_csv"]
    columns: BankCsvColumns
    # how a date is written (strftime codes): %m/%d/%Y, %d.%m.%Y, %Y-%m-%d
    date_format: Annotated[str, AfterValidator(_date_format)]
    # the decimal mark of the amounts: "." (1,234.56) or "," (1 234,56 or 1.234,56)
    decimal: Literal[".", ","]
    # how money out is written: expenses_negative (-12.00, a bank account) or expenses_positive
    # (12.00, many card statements). Required with `amount`; debit and credit say it themselves.
    sign: Literal["expenses_negative", "expenses_positive"] | None = None
    delimiter: Annotated[str, Field(min_length=1, max_length=1)] = ","
    # lines before the header (title rows); default: the header is the first line holding every
    # mapped column name
    skip_rows: Annotated[int, Field(ge=0, le=1000)] | None = None
    # records at the end that are not transactions (totals); each must hold no date
    skip_footer: Annotated[int, Field(ge=0, le=1000)] = 0

    @model_validator(mode="after")
    def _sign_with_amount(self) -> BankCsvSource:
        if self.columns.amount is not None and self.sign is None:
            raise ValueError(
                "sign: required with columns.amount: expenses_negative (money out written -12.00) "
                "or expenses_positive (money out written 12.00)"
            )
        return self


class StripeBalanceSource(_Source):
    """Stripe's balance transactions export (docs/importing.md): a charge is revenue of its gross
    amount and its fee an expense line of its own; a payout is money moved to the bank, not
    revenue."""

    format: Literal["stripe_balance"]
    # The transfer (clearing) account of payouts: the account the bank statement's Stripe
    # deposits get from the rules, so that the two cancel out and revenue is counted once.
    payout_account: AccountCode
    # Stripe's fees (each charge's fee, Stripe's own billing); default: the mapping rules, on the
    # fee line's description "Stripe fee ..." and counterparty "Stripe".
    fee_account: AccountCode | None = None
    # Charges and refunds; default: the mapping rules, on the line's description.
    revenue_account: AccountCode | None = None


AccountNames = Annotated[list[Annotated[str, Field(min_length=1)]], Field(max_length=100)]


def _distinct_sections(sources: tuple[list[str], ...]) -> None:
    names = [_header_name(name) for names in sources for name in names]
    if not names:
        raise ValueError(
            "bank_accounts: name the bank (and card) accounts whose sections of the report are "
            "the ledger, as the report names them (such as Checking)"
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"account {repeated[0]!r} is named twice")


class QboTransactionDetailSource(_Source):
    """QuickBooks Online's "Transaction Detail by Account" report, as CSV: the lines of the bank
    and card accounts' sections are the ledger; the split account gives the account code."""

    format: Literal["qbo_transaction_detail"]
    # the sections that are the bank ledger, as the report names them ("Checking", "1010
    # Checking"); card accounts' amounts are negated (a purchase grows what is owed)
    bank_accounts: AccountNames = Field(default_factory=list)
    card_accounts: AccountNames = Field(default_factory=list)
    # how the report writes dates: %m/%d/%Y in the US, %d/%m/%Y in the UK, Canada, Australia
    date_format: Annotated[str, AfterValidator(_date_format)]
    decimal: Literal[".", ","] = "."

    @model_validator(mode="after")
    def _some_account(self) -> QboTransactionDetailSource:
        _distinct_sections((self.bank_accounts, self.card_accounts))
        return self


class XeroAccountTransactionsSource(_Source):
    """Xero's "Account Transactions" report, as CSV: the lines of the bank and card accounts'
    sections are the ledger, Debit - Credit their amount; the mapping rules give the codes."""

    format: Literal["xero_account_transactions"]
    # the sections that are the ledger, as the report names them ("Business Bank Account")
    bank_accounts: AccountNames = Field(default_factory=list)
    # how the report writes dates; Xero's own: 2 Oct 2026 (a month name cannot be misread)
    date_format: Annotated[str, AfterValidator(_date_format)] = "%d %b %Y"
    decimal: Literal[".", ","] = "."

    @model_validator(mode="after")
    def _some_account(self) -> XeroAccountTransactionsSource:
        _distinct_sections((self.bank_accounts,))
        return self


def _source_format(value: object) -> str | None:
    fmt = value.get("format") if isinstance(value, dict) else getattr(value, "format", None)
    return fmt if fmt in SOURCE_FORMATS else None


Source = Annotated[
    Annotated[CanonicalSource, Tag("format=canonical")]
    | Annotated[OfxSource, Tag("format=ofx")]
    | Annotated[BankCsvSource, Tag("format=bank_csv")]
    | Annotated[StripeBalanceSource, Tag("format=stripe_balance")]
    | Annotated[QboTransactionDetailSource, Tag("format=qbo_transaction_detail")]
    | Annotated[XeroAccountTransactionsSource, Tag("format=xero_account_transactions")],
    Discriminator(
        lambda v: None if _source_format(v) is None else f"format={_source_format(v)}",
        custom_error_type="source_format",
        custom_error_message="format: expected one of " + ", ".join(SOURCE_FORMATS),
    ),
]


def _default_sources() -> list:
    return [CanonicalSource(format="canonical")]


def _at_most_two_decimals(value: Decimal) -> Decimal:
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("expected an amount with at most 2 decimals")
    return value


class EntityLoan(_Model):
    """A loan of the entity (docs/metrics.md, metrics.balance_sheet): what was owed on the day of
    its opening cash, on the liability account its drawdowns and principal payments are booked
    on. Loans may share an account: their balances are then added up."""

    name: Annotated[str, Field(min_length=1)]
    account_code: AccountCode
    # Owed on the day of opening_cash (the first day of first_month); 0 for a loan drawn later
    # (its drawdown, money in on the account, then adds to what is owed).
    opening_balance: Annotated[Decimal, Field(ge=0), AfterValidator(_at_most_two_decimals)]
    lender: str = ""


class Entity(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    name: str
    kind: Literal[ENTITY_KINDS]  # type: ignore[valid-type]
    opening_cash: Decimal = Decimal("0")
    # How its revenue is counted (metrics.revenue): cash when received, or accrual when earned
    # (docs/decisions.md #33).
    basis: Literal[REVENUE_BASES] = "cash"  # type: ignore[valid-type]
    kpis: list[Kpi] = Field(default_factory=list)
    # Where the entity's ledger lines come from (docs/importing.md).
    sources: Annotated[list[Source], Field(min_length=1)] = Field(default_factory=_default_sources)
    # The account mapping rules of imported lines, in the entity's folder (default: rules.yaml
    # when there is one).
    rules: SourcePath | None = None
    # Its loans, with what each owed at the start (metrics.balance_sheet, loans outstanding).
    loans: list[EntityLoan] = Field(default_factory=list)

    @field_validator("sources")
    @classmethod
    def _distinct_paths(cls, sources: list) -> list:
        seen: set[str] = set()
        for source in sources:
            if source.path in seen:
                raise ValueError(f"path {source.path!r} is given to two sources")
            seen.add(source.path)
        return sources

    @field_validator("opening_cash")
    @classmethod
    def _two_decimals(cls, value: Decimal) -> Decimal:
        if value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError("expected an amount with at most 2 decimals")
        return value


class Recipients(_Model):
    to: list[EmailStr] = Field(min_length=1)


DOMAIN_REPORTS = ("rental", "logistics", "agency")


class SesSettings(_Model):
    """Amazon SES v2 through boto3. Credentials come only from boto3's own chain (environment,
    shared profile, instance or task role): there is no key for them here."""

    region_name: str | None = None
    profile_name: str | None = None
    # Another endpoint (a local stand-in such as moto's server, or a VPC endpoint).
    endpoint_url: str | None = None
    configuration_set: str | None = None
    connect_timeout: Annotated[float, Field(gt=0)] = 10.0
    read_timeout: Annotated[float, Field(gt=0)] = 30.0


class SmtpSettings(_Model):
    """Any SMTP server (also SES's SMTP interface). The user name and password are read from the
    environment variables named here, never written in this file."""

    host: str
    port: Annotated[int, Field(gt=0, lt=65536)] = 587
    # starttls (587), ssl (implicit TLS, 465) or none (a local relay only)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username_env: str | None = "SMTP_USERNAME"
    password_env: str | None = "SMTP_PASSWORD"
    # A CA bundle to trust instead of the system's (a private relay's own certificate).
    ca_file: Path | None = None
    timeout: Annotated[float, Field(gt=0)] = 30.0


class DeliveryConfig(_Model):
    transport: Literal["outbox", "ses", "smtp"] = "outbox"
    sender: EmailStr
    bcc: list[EmailStr] = Field(default_factory=list)
    outbox_dir: Path = Path("state/outbox")
    ses: SesSettings | None = None
    smtp: SmtpSettings | None = None
    # Recipients of the domain reports; a domain report not listed goes to the CEO and the CFO.
    domain_reports: dict[Literal[DOMAIN_REPORTS], Recipients] = Field(default_factory=dict)  # type: ignore[valid-type]
    # SES v1's limit. A larger message goes without its attachments, and says so.
    max_message_bytes: Annotated[int, Field(gt=0)] = 10 * 1024 * 1024
    # Messages a second at most. Default: the SES account's MaxSendRate (1 when it cannot be
    # read); 1 for SMTP; no limit for the outbox.
    max_send_rate: Annotated[float, Field(gt=0)] | None = None
    # Sends tried at most this many times when the error proves nothing was sent (throttling,
    # connection refused), with exponential backoff from `retry_base_seconds` and jitter.
    max_attempts: Annotated[int, Field(ge=1, le=20)] = 5
    retry_base_seconds: Annotated[float, Field(ge=0)] = 1.0
    # Who gets the alert when a run fails, and the UI address its link points to.
    alerts_to: list[EmailStr] = Field(default_factory=list)
    dagster_ui_url: str = "http://127.0.0.1:3000"

    @model_validator(mode="after")
    def _transport_settings(self) -> DeliveryConfig:
        if self.transport == "smtp" and self.smtp is None:
            raise ValueError("delivery.smtp: required when transport is smtp (at least host)")
        return self


# SigV4, the signature of a presigned URL, is valid for at most 7 days (604,800 seconds).
MAX_LINK_EXPIRY_DAYS = 7


class ArchiveS3Settings(_Model):
    """Where the archive is published on S3 (dagster-aws's S3Resource settings). Credentials come
    only from boto3's own chain: there is no key for them here."""

    bucket: Annotated[str, Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.-]+$")]
    # The folder of the site in the bucket ("" for its root): exec-archive/ or acme/archive/.
    prefix: str = ""
    region_name: str | None = None
    profile_name: str | None = None
    # Another endpoint (a local stand-in such as moto's server, or a VPC endpoint): S3 only.
    endpoint_url: str | None = None

    @field_validator("prefix")
    @classmethod
    def _folder(cls, value: str) -> str:
        text = value.strip().strip("/")
        if ".." in text.split("/") or "//" in text:
            raise ValueError(f"{value!r}: expected a folder such as exec-archive or acme/archive")
        return text


class ArchiveConfig(_Model):
    """The executive archive: the site built after each run, and where it is published."""

    # local: the site folder is the archive (`exec-reporting archive --open`); s3: it is also
    # uploaded to archive.s3 and each email links to its page with a presigned URL.
    publish: Literal["local", "s3"] = "local"
    site_dir: Path = Path("state/archive/site")
    s3: ArchiveS3Settings | None = None
    # How long an email's links to the archive work (presigned URLs): 1 to 7 days.
    link_expiry_days: int = MAX_LINK_EXPIRY_DAYS
    # A CloudFront distribution in front of the bucket: the changed pages are invalidated.
    cloudfront_distribution_id: Annotated[str, Field(pattern=r"^[A-Z0-9]+$")] | None = None

    @field_validator("link_expiry_days")
    @classmethod
    def _sigv4_limit(cls, value: int) -> int:
        if not 1 <= value <= MAX_LINK_EXPIRY_DAYS:
            raise ValueError(
                f"got {value}: expected 1 to {MAX_LINK_EXPIRY_DAYS} days. A presigned S3 link is "
                "signed with SigV4, which AWS honours for at most 7 days (604,800 seconds)"
            )
        return value

    @model_validator(mode="after")
    def _s3_settings(self) -> ArchiveConfig:
        if self.publish == "s3" and self.s3 is None:
            raise ValueError("archive.s3: required when publish is s3 (at least bucket)")
        if self.cloudfront_distribution_id and self.publish != "s3":
            raise ValueError(
                "cloudfront_distribution_id: only with publish: s3 (a local archive has no "
                "distribution to invalidate)"
            )
        return self


class QualityConfig(_Model):
    # The reports are held back (a blocking check fails) when a table's quarantined rows are
    # more than this share of the rows read: a file that mostly fails the contract.
    max_quarantined_share: Annotated[Decimal, Field(ge=0, le=1)] = Decimal("0.05")
    # A date of something that happened (a ledger line, a payment) may be at most this many days
    # after today (the configured time zone): a bank posting ahead, a time zone apart. A later
    # date is quarantined (docs/data-contract.md, "Dates").
    future_days: Annotated[int, Field(ge=0, le=31)] = 3


class ScheduleConfig(_Model):
    # The monthly pack runs on the first day of each month at this hour (configured timezone),
    # for the previous month. Off until you say so: `schedule: {enabled: true}`.
    enabled: bool = False
    hour: Annotated[int, Field(ge=0, le=23)] = 7
    day_of_month: Annotated[int, Field(ge=1, le=28)] = 1


class SensorsConfig(_Model):
    # How often, at most, the daemon evaluates the sensors that run on their own: watch_data_dir
    # (a changed input file) and alert_on_run_failure. Lower notices sooner and costs the daemon
    # more work; rerender_stale_reports (off by default) keeps its own minute.
    interval_seconds: Annotated[int, Field(ge=1, le=3600)] = 30


class PeriodCloseConfig(_Model):
    # A month's pack waits while an entity's data does not cover it, until this day of the next
    # month: from then on it goes out marked Preliminary and the owner gets the alert. The
    # monthly schedule tries again every day until then (docs/operations.md, period close).
    deadline_day: Annotated[int, Field(ge=1, le=28)] = 10


Rate = Annotated[Decimal, Field(ge=-1, le=10)]


class Scenario(_Model):
    """Monthly growth rates applied to the current 3-month averages: 0.02 is +2% a month."""

    revenue_growth: Rate = Decimal("0")
    cost_growth: Rate = Decimal("0")


def _default_scenarios() -> dict[Literal["base", "best", "worst"], Scenario]:
    return {
        "base": Scenario(),
        "best": Scenario(revenue_growth=Decimal("0.03"), cost_growth=Decimal("0")),
        "worst": Scenario(revenue_growth=Decimal("-0.05"), cost_growth=Decimal("0.02")),
    }


class CapitalCandidate(_Model):
    """A use of cash the CFO report ranks by payback: what it costs and what it returns a month."""

    name: str
    entity: str | None = None
    cost: Annotated[Decimal, Field(gt=0)]
    monthly_return: Annotated[Decimal, Field(gt=0)]
    note: str = ""
    # The month the money would go out (YYYY-MM); by default the month after the report month.
    month: MonthStr | None = None


class CfoConfig(_Model):
    # Cash kept back before any candidate use of cash: this many months of gross burn.
    reserve_months: Annotated[Decimal, Field(ge=0)] = Decimal("3")
    projection_months: Annotated[int, Field(ge=1, le=60)] = 12
    scenarios: dict[Literal["base", "best", "worst"], Scenario] = Field(
        default_factory=_default_scenarios
    )
    capital_candidates: list[CapitalCandidate] = Field(default_factory=list)


class Ota(_Model):
    """An online travel agency: `name` as the channel is called in channels.csv."""

    name: str
    commission: Annotated[Decimal, Field(ge=0, lt=1)]
    # People the platform reaches a month (or any figure comparable across platforms).
    audience: Annotated[int, Field(ge=0)]
    kinds: list[Literal[ENTITY_KINDS]] = Field(default_factory=lambda: ["charter"])  # type: ignore[valid-type]
    note: str = ""


class Milestone(_Model):
    """A dated marketing milestone. It is done when `done: true`, or when the data shows it:
    the channel `channel_listed` is listed, or `metric` reaches `target`."""

    title: str
    entity: str | None = None
    due: date
    owner: Literal[PERSONAS] = "cmo"  # type: ignore[valid-type]
    channel_listed: str | None = None
    metric: Literal[KPI_METRICS] | None = None  # type: ignore[valid-type]
    target: Decimal | None = None
    better: Literal["higher", "lower"] = "higher"
    done: bool = False


class CmoConfig(_Model):
    otas: list[Ota] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)


class CeoConfig(_Model):
    # The rules that turn missed KPIs and critical findings into actions (YAML). Default: the
    # project's own exec_reporting/rules/actions.yaml.
    action_rules: Path | None = None


class CtoConfig(_Model):
    tls_warning_days: Annotated[int, Field(ge=0)] = 30
    stale_dependencies_days: Annotated[int, Field(ge=0)] = 180
    stale_deploy_days: Annotated[int, Field(ge=0)] = 90


class AccountingConfig(_Model):
    # An expense flag is listed in the months of its transaction and this many months in all.
    review_months: Annotated[int, Field(ge=1, le=24)] = 3
    # A month's amount on an account is an outlier above this many times its usual (median).
    outlier_factor: Annotated[Decimal, Field(gt=1)] = Decimal("3")
    # Paid to the same counterparty in at least this many consecutive months: a subscription.
    recurring_min_months: Annotated[int, Field(ge=2)] = 3
    # The account code of an imported line no mapping rule matches (docs/importing.md). Keep it
    # out of the chart of accounts: the accounting report then lists it as unmapped.
    uncategorized_account: AccountCode = "6999"


class ReportingConfig(_Model):
    organization: str
    # One reporting.yaml is one portfolio. An owner who runs several (one file each, all mailing
    # the same inbox) sets this, and every subject names the organization so the packs tell
    # apart; with one portfolio the name would only push the verdict out of the subject.
    several_portfolios: bool = False
    timezone: str = "UTC"
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    # How numbers, money and dates are written in reports (a CLDR locale such as en_US, de_DE).
    locale: str = "en_US"
    data_dir: Path
    warehouse: Path = Path("state/warehouse.duckdb")
    # What was sent to whom: its own DuckDB file, since the warehouse may be rebuilt from the
    # source files and the ledger may not (attached to the warehouse as `delivery`).
    send_ledger: Path = Path("state/send-ledger.duckdb")
    # How long a step waits for the warehouse while another process holds it, then fails naming
    # that process.
    warehouse_lock_timeout_seconds: Annotated[float, Field(ge=0)] = 30.0
    reports_dir: Path = Path("state/reports")
    first_month: MonthStr = "2020-01"
    entities: list[Entity] = Field(min_length=1)
    personas: dict[Literal[PERSONAS], Recipients] = Field(default_factory=dict)  # type: ignore[valid-type]
    delivery: DeliveryConfig
    ceo: CeoConfig = Field(default_factory=CeoConfig)
    cto: CtoConfig = Field(default_factory=CtoConfig)
    cfo: CfoConfig = Field(default_factory=CfoConfig)
    cmo: CmoConfig = Field(default_factory=CmoConfig)
    accounting: AccountingConfig = Field(default_factory=AccountingConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    quality: QualityConfig = Field(default_factory=QualityConfig)
    # Months whose pack goes out even though an entity's data stops before the month's end
    # (the owner closed the month: nothing more is coming). YYYY-MM.
    closed_months: list[MonthStr] = Field(default_factory=list)
    period_close: PeriodCloseConfig = Field(default_factory=PeriodCloseConfig)
    sensors: SensorsConfig = Field(default_factory=SensorsConfig)
    archive: ArchiveConfig = Field(default_factory=ArchiveConfig)

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
        references = [
            (f"cfo.capital_candidates[{i}].entity", c.entity)
            for i, c in enumerate(self.cfo.capital_candidates)
        ] + [(f"cmo.milestones[{i}].entity", m.entity) for i, m in enumerate(self.cmo.milestones)]
        for where, entity_id in references:
            if entity_id is not None and entity_id not in seen:
                raise ValueError(f"{where}: {entity_id!r} is not an entity id of this file")
        return self

    @property
    def action_rules_path(self) -> Path:
        if self.ceo.action_rules is not None:
            return self.path(self.ceo.action_rules)
        return Path(__file__).resolve().parent / "rules" / "actions.yaml"

    def domain_recipients(self, report: str) -> list[str]:
        """A domain report's recipients: as configured, else the CEO's and the CFO's."""
        configured = self.delivery.domain_reports.get(report)
        if configured:
            return list(configured.to)
        return list(dict.fromkeys(self.recipients("ceo") + self.recipients("cfo")))

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
    def send_ledger_path(self) -> Path:
        return self.path(self.send_ledger)

    @property
    def reports_path(self) -> Path:
        return self.path(self.reports_dir)

    @property
    def archive_site_path(self) -> Path:
        """The folder the archive's site is built into (and published from)."""
        return self.path(self.archive.site_dir)

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


class _DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: object, first_line: int, second_line: int):
        super().__init__(f"key {key!r} on lines {first_line} and {second_line}")
        self.key, self.first_line, self.second_line = key, first_line, second_line


class _UniqueKeyLoader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses a key repeated within one mapping, at any depth: PyYAML
    would keep the last value and drop the first without a word."""

    def construct_mapping(self, node, deep=False):
        first_seen: dict[object, int] = {}
        for key_node, _ in node.value:
            # `<<: *anchor` merges another mapping: its keys may be overridden here on purpose
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in first_seen:
                    raise _DuplicateKeyError(key, first_seen[key], line)
                first_seen[key] = line
            except TypeError:  # an unhashable key: SafeLoader's own error says so
                continue
        return super().construct_mapping(node, deep)


def load_config(explicit: str | os.PathLike[str] | None = None) -> ReportingConfig:
    """Read and validate the configuration; raise ConfigError with a readable message."""
    path = config_path(explicit)
    if not path.is_file():
        raise ConfigError(
            f"{path}: configuration file not found. Set ${CONFIG_ENV} or run from a folder "
            f"holding {DEFAULT_CONFIG_NAME}."
        )
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except _DuplicateKeyError as error:
        raise ConfigError(
            f"{path}: line {error.second_line}: key {error.key!r} appears twice in the same "
            f"mapping (lines {error.first_line} and {error.second_line}); YAML would keep only "
            "the last value: remove one of them"
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}:{where} not valid YAML: {error}") from None
    return parse_config(data, path)
