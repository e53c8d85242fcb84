"""The input contract: which CSV files the project reads, their columns and what each must hold.

docs/data-contract.md is the human-readable form of this module; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["text", "date", "month", "money", "decimal", "integer", "boolean", "enum"]

# What a cell of each type must look like, said the way the error messages say it.
EXPECTED = {
    "text": "a value",
    "date": "an ISO date YYYY-MM-DD",
    "month": "a month YYYY-MM",
    "money": "an amount such as -1234.56 (dot as decimal separator, at most 2 decimals, no currency sign or thousands separator)",
    "decimal": "a number such as 12.5 (dot as decimal separator)",
    "integer": "a whole number such as 42",
    "boolean": "yes or no (also true/false, 1/0)",
}


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

    @property
    def expected(self) -> str:
        if self.type == "enum":
            return "one of " + ", ".join(self.choices)
        return EXPECTED[self.type]


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
            Column("date", "date", required=True),
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
            Column("date", "date", required=True, description="The statement date."),
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
            Column("booked_on", "date", required=True),
            Column("service_date", "date", required=True),
            Column("amount", "money", required=True),
            Column("paid_on", "date", description="Empty when unpaid."),
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
            Column("issued_on", "date", required=True),
            Column("due_on", "date", required=True),
            Column("amount", "money", required=True),
            Column("paid_on", "date", description="Empty when unpaid."),
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
            Column("month", "month", required=True),
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
            Column("acquired_on", "date"),
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
            Column("tls_expires_on", "date", description="Empty when the component serves no TLS."),
            Column("last_deploy_on", "date"),
            Column("dependencies_updated_on", "date"),
            Column("ci", "boolean", required=True),
            Column("monitoring", "boolean", required=True),
        ),
    ),
)

TABLES_BY_NAME = {table.name: table for table in TABLES}


def table(name: str) -> Table:
    return TABLES_BY_NAME[name]
