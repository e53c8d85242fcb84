"""The input contract: which CSV files the project reads, their columns and what each must hold.

docs/data-contract.md is the human-readable form of this module; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

ColumnType = Literal[
    "text", "date", "month", "period", "money", "decimal", "integer", "boolean", "enum"
]
# The column types that name a day (a month or year by its first day), and so have a window.
DATED_TYPES = ("date", "month", "period")

# What a cell of each type must look like, said the way the error messages say it.
EXPECTED = {
    "text": "a value",
    "date": "an ISO date YYYY-MM-DD",
    "month": "a month YYYY-MM",
    "period": "a month YYYY-MM, or a year YYYY for an annual target",
    "money": "an amount such as -1234.56 (dot as decimal separator, at most 2 decimals, no currency sign or thousands separator)",
    "decimal": "a number such as 12.5 (dot as decimal separator)",
    "integer": "a whole number such as 42",
    "boolean": "yes or no (also true/false, 1/0)",
}

# The largest value a number cell may hold, in absolute value (docs/decisions.md #18). The metric
# store keeps money as DECIMAL(18,2), just under 10^16. A million lines at this limit total
# under 10^15, which leaves a factor of ten for the figures that count a line more than once
# (money at stake across several finding rules, opening cash plus every movement, portfolio
# totals); a single larger movement is a typo or a unit mix-up in a small business's books.
# Decimals (hours, nautical miles) and whole numbers (leads, bookings) get the same nine digits
# before the point. Every limit is below 10^12: the check reads a cell as DECIMAL(18,6).
LIMITS: dict[str, Decimal] = {
    "money": Decimal("999999999.99"),
    "decimal": Decimal("999999999.999999"),
    "integer": Decimal("999999999"),
}
LIMIT_NOUNS = {"money": "an amount", "decimal": "a number", "integer": "a whole number"}

# How far ahead a planned date (a service date, a due date, a certificate's expiry) may lie.
PLAUSIBLE_YEARS = 50


@dataclass(frozen=True)
class DateWindow:
    """The days a date (or month) column may hold, besides being real dates. A cell outside
    them quarantines its row with the bound it broke (docs/data-contract.md, "Dates")."""

    # As docs/data-contract.md calls it.
    name: str
    # "first_month": from the first day of first_month (reporting.yaml); "eve_of_first_month":
    # from the day before it; else a fixed ISO date.
    earliest: str
    # "future_days": up to the run date plus quality.future_days (reporting.yaml), for things
    # that happened; "plausible": up to PLAUSIBLE_YEARS after the run date, for planned dates.
    latest: Literal["future_days", "plausible"]


# The movements of the report window: nothing before first_month (the entity's opening_cash is
# its cash on first_month's first day, so an earlier line would count twice) and nothing that
# has not happened yet.
REPORT_WINDOW = DateWindow("report window", "first_month", "future_days")
# A bank statement's date: as the ledger's, or the day before first_month, whose closing balance
# is the opening cash.
STATEMENT = DateWindow("statement", "eve_of_first_month", "future_days")
# Something that happened, possibly before the report window (a booking made, an invoice paid,
# a deploy): not in the future.
HAPPENED = DateWindow("happened", "1970-01-01", "future_days")
# A date that may lie ahead (a service date, a due date, a certificate's expiry).
PLANNED = DateWindow("planned", "1970-01-01", "plausible")
# When a thing was bought: it may be old (a building), so only a spreadsheet's empty date
# (1899-12-30) or a typo is refused; it may be a purchase already agreed.
ACQUIRED = DateWindow("acquired", "1900-01-01", "plausible")
DATE_WINDOWS = (REPORT_WINDOW, STATEMENT, HAPPENED, PLANNED, ACQUIRED)


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    # A value must be present in every row.
    required: bool = False
    # The column may be left out of the file entirely (its values are then empty).
    optional_in_header: bool = False
    choices: tuple[str, ...] = ()
    # Required only on rows where another column holds one of these values.
    required_when: tuple[str, tuple[str, ...]] | None = None
    description: str = ""
    # For a date or month column: the days it may hold.
    window: DateWindow | None = None

    def __post_init__(self) -> None:
        if (self.type in DATED_TYPES) != (self.window is not None):
            raise ValueError(f"{self.name}: a date or month column, and only one, has a window")

    @property
    def expected(self) -> str:
        if self.type == "enum":
            return "one of " + ", ".join(self.choices)
        return EXPECTED[self.type]

    @property
    def limit(self) -> Decimal | None:
        """The largest absolute value of a number column."""
        return LIMITS.get(self.type)

    @property
    def limit_expected(self) -> str | None:
        if self.limit is None:
            return None
        return f"{LIMIT_NOUNS[self.type]} of at most {self.limit:,} in absolute value"


@dataclass(frozen=True)
class Table:
    name: str
    # "portfolio": one file at the top of data_dir; "entity": one file per entity folder.
    scope: Literal["portfolio", "entity"]
    required: bool
    columns: tuple[Column, ...]
    # Columns that identify a row (within an entity): the first row with a key loads, every
    # later one is quarantined as a duplicate.
    key: tuple[str, ...]
    description: str = ""
    owner: str = "accounting"

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


ACCOUNT_TYPES = ("asset", "liability", "equity", "revenue", "cogs", "expense")
# The profit-and-loss figures a budget line may name (metrics.monthly_pnl's amounts); a ratio
# such as gross_margin_pct cannot be spread over months or added up to a year
# (docs/decisions.md #35).
BUDGET_METRICS = ("revenue", "cogs", "gross_profit", "opex", "operating_income")
# The account types a budget line may name: the lines of the profit and loss.
BUDGET_ACCOUNT_TYPES = ("revenue", "cogs", "expense")

TABLES: tuple[Table, ...] = (
    Table(
        name="chart_of_accounts",
        scope="portfolio",
        required=True,
        key=("code",),
        owner="accounting",
        description="The chart of accounts shared by every entity.",
        columns=(
            Column("code", required=True, description="Account code used by ledger lines."),
            Column("name", required=True),
            Column("type", "enum", required=True, choices=ACCOUNT_TYPES),
            Column(
                "behavior",
                "enum",
                choices=("fixed", "variable"),
                required_when=("type", ("cogs", "expense")),
                description="How the cost moves with revenue; required for cogs and expense.",
            ),
        ),
    ),
    Table(
        name="ledger",
        scope="entity",
        required=True,
        key=("txn_id",),
        owner="cfo",
        description="Every cash movement of the entity, signed from the bank's view.",
        columns=(
            Column("txn_id", required=True),
            Column("date", "date", required=True, window=REPORT_WINDOW),
            Column("account_code", required=True),
            Column("amount", "money", required=True, description="+ money in, - money out."),
            Column("description"),
            Column("counterparty"),
        ),
    ),
    Table(
        name="balances",
        scope="entity",
        required=False,
        key=("date",),
        owner="cfo",
        description="The bank statement's closing balance of the entity, one row per date.",
        columns=(
            Column(
                "date",
                "date",
                required=True,
                window=STATEMENT,
                description="The statement date.",
            ),
            Column(
                "balance",
                "money",
                required=True,
                description="The closing balance on that date, as the bank states it.",
            ),
        ),
    ),
    Table(
        name="bookings",
        scope="entity",
        required=False,
        key=("booking_id",),
        owner="cmo",
        description="Customer bookings of a service on a date.",
        columns=(
            Column("booking_id", required=True),
            Column("channel", required=True),
            Column("booked_on", "date", required=True, window=HAPPENED),
            Column("service_date", "date", required=True, window=PLANNED),
            Column("amount", "money", required=True),
            Column("paid_on", "date", window=HAPPENED, description="Empty when unpaid."),
            Column("status", "enum", required=True, choices=("confirmed", "cancelled", "refunded")),
            Column(
                "quantity",
                "decimal",
                optional_in_header=True,
                description="Units of the service, such as nautical miles of a delivery trip.",
            ),
        ),
    ),
    Table(
        name="invoices",
        scope="entity",
        required=False,
        key=("invoice_id",),
        owner="accounting",
        description="Invoices issued to clients.",
        columns=(
            Column("invoice_id", required=True),
            Column("client", required=True),
            Column("issued_on", "date", required=True, window=HAPPENED),
            Column("due_on", "date", required=True, window=PLANNED),
            Column("amount", "money", required=True),
            Column("paid_on", "date", window=HAPPENED, description="Empty when unpaid."),
            Column("paid_amount", "money"),
            Column("hours", "decimal", description="Hours billed (or worked, when unbilled)."),
        ),
    ),
    Table(
        name="channels",
        scope="entity",
        required=False,
        key=("month", "channel"),
        owner="cmo",
        description="Marketing and sales channels, one row per month and channel.",
        columns=(
            Column("month", "month", required=True, window=HAPPENED),
            Column("channel", required=True),
            Column("listed", "boolean", required=True),
            Column("spend", "money"),
            Column("leads", "integer"),
            Column("bookings", "integer"),
            Column("revenue", "money"),
        ),
    ),
    Table(
        name="assets",
        scope="entity",
        required=False,
        key=("asset_id",),
        owner="ceo",
        description="Things the entity owns: vessels, trucks, property, equipment, domains.",
        columns=(
            Column("asset_id", required=True),
            Column("name", required=True),
            Column("category", required=True),
            Column("acquired_on", "date", window=ACQUIRED),
            Column("cost", "money", required=True),
            Column("book_value", "money"),
            Column("status"),
        ),
    ),
    Table(
        name="stack",
        scope="entity",
        required=False,
        key=("component",),
        owner="cto",
        description="The software the entity runs on, one row per component.",
        columns=(
            Column("component", required=True),
            Column("provider"),
            Column("category"),
            Column("monthly_cost", "money", required=True),
            Column("mfa", "boolean", required=True),
            Column("backups", "boolean", required=True),
            Column(
                "tls_expires_on",
                "date",
                window=PLANNED,
                description="Empty when the component serves no TLS.",
            ),
            Column("last_deploy_on", "date", window=HAPPENED),
            Column("dependencies_updated_on", "date", window=HAPPENED),
            Column("ci", "boolean", required=True),
            Column("monitoring", "boolean", required=True),
        ),
    ),
    Table(
        name="budget",
        scope="portfolio",
        required=False,
        key=("entity", "month", "metric", "account_code"),
        owner="cfo",
        description=(
            "The owner's budget: one amount per entity, month (or year) and profit-and-loss "
            "line (a metric or an account)."
        ),
        columns=(
            Column(
                "entity",
                required=True,
                description="The entity's id, as in reporting.yaml.",
            ),
            Column(
                "month",
                "period",
                required=True,
                window=PLANNED,
                description="The month budgeted, or a year (YYYY): an annual target, spread "
                "over its months by last year's shape.",
            ),
            Column(
                "metric",
                "enum",
                choices=BUDGET_METRICS,
                description="A profit-and-loss figure; give either a metric or an account_code.",
            ),
            Column(
                "account_code",
                description="A revenue, cogs or expense account of the chart.",
            ),
            Column(
                "amount",
                "money",
                required=True,
                description="The budgeted amount: revenue and costs both positive.",
            ),
        ),
    ),
)

TABLES_BY_NAME = {table.name: table for table in TABLES}


def table(name: str) -> Table:
    return TABLES_BY_NAME[name]
