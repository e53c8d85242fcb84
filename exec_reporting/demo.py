"""The demo portfolio: six synthetic businesses written as the canonical CSV files, a bank's OFX
statements and a Stripe export.

Everything this module writes is synthetic: made up by a seeded random generator, not taken from
any real business. People are named with obviously made-up surnames (Example, Sample, ...), every
email address is @example.com, and the same arguments always give byte-identical files (seeded
`random.Random`, integer cents for money, no clock, `\\n` line endings).

The portfolio mirrors the owner of docs/product.md, one folder per entity under data_dir:

- jada (charter): the sailing yacht JADA, owner-skippered, comfortably profitable.
- queen_of_san_diego (charter): a larger charter vessel with a salaried captain and a vessel
  loan; burns cash and lives on the owner's capital calls, a few months of runway at the end.
- quick_dump_now (hauling): junk removal with one truck, a second bought on a loan; near
  break-even.
- dangerous_centaur (agency): software and design agency, retainers and projects; profitable
  but one client stopped paying.
- rental_3028_51st_st (rental): a duplex; a vacancy and turnover repairs push cash below zero
  for a month, until the owner puts money in.
- expert_yacht_delivery (logistics): yacht deliveries; short coastal hops earn the best margin,
  long passages the most per trip, and one weather-delayed passage loses money.

Conventions the reports can rely on:

- The ledger is every cash movement, signed from the bank's view. Customer payments go to a
  revenue account on the day the money arrives, also when the service is still to come (so
  prepayments show up as deferred revenue at month ends). Refunds are negative lines on the
  same revenue account, described "Refund <booking_id> ...". Each entity's first line is on the
  first day of the first month and its last line (interest earned) on the last day of the end
  month.
- Bookings sold by online travel agencies are recorded gross: the platform's payout of the full
  amount on 4000, its commission as one cost line a month on 5300 (channels.csv `spend` of an
  OTA is that commission; of google_ads, yelp, thumbtack the ad spend on 6300).
- A charter or delivery payment's description names its booking id; every cost line of a
  delivery trip (fuel, crew, marina) names the trip's booking id too, so cost per trip can be
  traced. bookings.csv `quantity` is the trip's nautical miles (logistics only).
- Rent is one booking per unit and month (booking_id R3028-<unit>-<YYYY-MM>, channel lease,
  service_date the first of the month); a month without a booking for a unit is a vacant month.
- Every payment of bookings.csv and invoices.csv is in the bank's ledger on its `paid_on` date for
  its amount (`paid_amount` when partial), naming its id, so reporting.yaml puts every business
  with bookings or invoices on the accrual basis and metrics.revenue's bridge closes to the cent
  in every month; Quick Dump Now, paid on the spot, stays on the cash basis.
- Unbilled hours: an invoices.csv row with amount 0.00 records hours worked but not billed
  (invoice_id DC-UNB-..., issued_on and due_on the last day of the month worked, no payment).
  Retainer invoices are net 15, project invoices net 30. A partial payment has paid_amount below
  amount.
- balances.csv (every entity): the closing balance of the entity's money on the last day of every
  month (the bank's, plus what Stripe holds for jada), which is the opening cash plus every
  ledger line dated on or before that day, so the statements reconcile with the ledger
  (metrics.balance_reconciliation's check passes). Written from the finished ledger; it draws
  nothing from the random generator.
- Imported sources (docs/importing.md), each as reporting.yaml declares it:
  - rental_3028_51st_st has no ledger.csv: its bank's monthly OFX statements
    (bank/<YYYY-MM>.ofx, DTEND the month's last day, LEDGERBAL the month's closing balance) hold
    the same lines, and rules.yaml gives them their account codes.
  - jada's guests pay by card through Stripe (stripe/balance-<YYYY-MM>.csv, the month's balance
    transactions): each payment a charge with Stripe's fee (2.9% + 0.30, on 6950), each refund
    of such a payment a refund; every Monday a payout moves what is available to the bank, whose
    ledger.csv gets it the next day on the transfer account 1900, as the Stripe source's payouts
    are (they cancel out: revenue is the charges, once). The online travel agencies still pay
    into the bank. The times of day come from a stream of their own (seed:jada:stripe), so the
    rest of jada's data is what it would be without Stripe.
- stack.csv is a snapshot as of the end month. Rows of category saas are run by their vendor:
  ci and monitoring are "yes" (the vendor's), and deploy and dependency dates are empty.

Deliberate findings, so every report section has something to show (E = the end month's last
day, M-n = n months before the end month):

- Revenue recognition (jada): a cancelled booking whose prepayment was kept (no refund line), a
  booking marked refunded with no refund line in the ledger, and refunded bookings with their
  refund line.
- Expense audit: a duplicate charge (dangerous_centaur, Figma twice within two days in M-1);
  weekend spending (dangerous_centaur team dinner, quick_dump_now emergency tire); a one-off
  round amount (dangerous_centaur, 2500.00 to a strategy consultant); two lines on account 6999,
  missing from the chart (quick_dump_now); monthly software subscriptions everywhere; a cost
  outlier (queen_of_san_diego haul-out on 6700 in M-1).
- Uncategorized: one line of the rental's statement of the end month, a new payee (the city's
  rental unit business tax) that no rule of its rules.yaml matches: it carries the
  uncategorized account 6999 until the owner adds a rule.
- Stack (relative to E): MFA off (quick_dump_now dispatch app), no backups (rental tenant
  ledger), TLS expiring within 30 days (jada website) and already expired (queen website), no
  deploy for over 90 days (queen website), no monitoring (expert_yacht_delivery trip tracker),
  no CI (quick_dump_now quote form), dependencies older than 180 days (dangerous_centaur legacy
  client portal). Every other component is healthy.
- Receivables (dangerous_centaur, as of E): invoices current, 1-30, 31-60, 61-90 and over 90
  days past due, late payers, one partial payment, unbilled hours.
- Rental: unit B vacant for two months (M-15, M-14); cash below zero at the end of M-14.
- Deliberately malformed: exactly one row in the whole portfolio,
  queen_of_san_diego/bookings.csv, a booking whose service_date is February 30 of the latest
  February in the window (2026-02-30 by default), so the demo shows the quarantine at work. Its
  payment is in the ledger, as it would be with a real typo in a booking export.
"""

from __future__ import annotations

import calendar
import csv
import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from exec_reporting.contract import TABLES_BY_NAME

DEFAULT_END_MONTH = "2026-10"
DEFAULT_MONTHS = 24
DEFAULT_SEED = 20261028
MIN_MONTHS = 18  # the deliberate findings sit up to 17 months before the end month

# -- the portfolio --------------------------------------------------------------------------------
# (id, name, kind): other code and reporting.yaml rely on these ids.
ENTITIES: tuple[tuple[str, str, str], ...] = (
    ("jada", "JADA", "charter"),
    ("queen_of_san_diego", "Queen of San Diego", "charter"),
    ("quick_dump_now", "Quick Dump Now", "hauling"),
    ("dangerous_centaur", "Dangerous Centaur", "agency"),
    ("rental_3028_51st_st", "3028 51st St Rental", "rental"),
    ("expert_yacht_delivery", "Expert Yacht Delivery", "logistics"),
)

# Cash in the bank on the first day of the first month (reporting.yaml's opening_cash).
OPENING_CASH: dict[str, str] = {
    "jada": "18500.00",
    "queen_of_san_diego": "25000.00",
    "quick_dump_now": "9500.00",
    "dangerous_centaur": "42000.00",
    "rental_3028_51st_st": "3200.00",
    "expert_yacht_delivery": "20000.00",
}

CHART_OF_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("1000", "Bank", "asset", ""),
    ("1500", "Vessels & vehicles", "asset", ""),
    ("1600", "Equipment & appliances", "asset", ""),
    ("1700", "Real estate", "asset", ""),
    ("1900", "Transfers between accounts", "asset", ""),
    ("2000", "Loans", "liability", ""),
    ("2100", "Mortgage principal", "liability", ""),
    ("3000", "Owner contributions", "equity", ""),
    ("3100", "Owner draws", "equity", ""),
    ("4000", "Charter revenue", "revenue", ""),
    ("4100", "Hauling revenue", "revenue", ""),
    ("4200", "Agency retainers", "revenue", ""),
    ("4300", "Agency projects", "revenue", ""),
    ("4400", "Rental income", "revenue", ""),
    ("4500", "Delivery revenue", "revenue", ""),
    ("4900", "Interest income", "revenue", ""),
    ("5000", "Fuel", "cogs", "variable"),
    ("5100", "Dump fees", "cogs", "variable"),
    ("5200", "Crew & labor", "cogs", "variable"),
    ("5300", "OTA commissions", "cogs", "variable"),
    ("5400", "Contractors", "cogs", "variable"),
    ("5500", "Provisioning & guest supplies", "cogs", "variable"),
    ("5600", "Marina & transit fees", "cogs", "variable"),
    ("6000", "Moorage & slip fees", "expense", "fixed"),
    ("6050", "Office & coworking", "expense", "fixed"),
    ("6100", "Insurance", "expense", "fixed"),
    ("6200", "Software & subscriptions", "expense", "fixed"),
    ("6300", "Marketing & advertising", "expense", "variable"),
    ("6400", "Payroll", "expense", "fixed"),
    ("6450", "Meals & travel", "expense", "variable"),
    ("6500", "Mortgage interest", "expense", "fixed"),
    ("6550", "Loan interest", "expense", "fixed"),
    ("6600", "Property tax", "expense", "fixed"),
    ("6700", "Repairs & maintenance", "expense", "variable"),
    ("6800", "Professional fees", "expense", "fixed"),
    ("6850", "Utilities", "expense", "fixed"),
    ("6900", "Bank fees", "expense", "fixed"),
    ("6950", "Card processing fees", "expense", "variable"),
)
UNMAPPED_ACCOUNT = "6999"  # deliberately missing from the chart

# fmt: off
FIRST_NAMES = (
    "Avery", "Blake", "Casey", "Devon", "Emerson", "Finley", "Harper", "Jordan", "Kendall",
    "Logan", "Morgan", "Parker", "Quinn", "Reese", "Riley", "Rowan", "Sawyer", "Skyler", "Taylor",
    "Tatum",
)
# fmt: on
SURNAMES = ("Example", "Sample", "Placeholder", "Testwood", "Mockridge", "Demoson", "Specimen")


def contract_columns(table: str) -> tuple[str, ...]:
    """A file's columns, in the contract's order; optional columns are left out."""
    return tuple(c.name for c in TABLES_BY_NAME[table].columns if not c.optional_in_header)


LEDGER_HEADER = contract_columns("ledger")
BOOKINGS_HEADER = contract_columns("bookings")
INVOICES_HEADER = contract_columns("invoices")
CHANNELS_HEADER = contract_columns("channels")
ASSETS_HEADER = contract_columns("assets")
STACK_HEADER = contract_columns("stack")
CHART_HEADER = contract_columns("chart_of_accounts")
BALANCES_HEADER = contract_columns("balances")
BUDGET_HEADER = contract_columns("budget")

BANK = "Harborline Example Bank"
INTEREST_EARNED = ("0.40", "6.90")  # credited on the last day of every month
BANK_FEE = "18.00"  # charged early every month

# -- money: integer cents, formatted exactly ------------------------------------------------------


def cents(value: str | Decimal) -> int:
    """ "1234.56" -> 123456, exactly."""
    return int(Decimal(value) * 100)


def money(amount: int) -> str:
    """123456 -> "1234.56"; -5 -> "-0.05"."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount) // 100}.{abs(amount) % 100:02d}"


def scaled(amount: int, factor: str | Decimal) -> int:
    """amount x factor, rounded half up to the cent."""
    return int((Decimal(amount) * Decimal(factor)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def between(rng: random.Random, low: str, high: str) -> int:
    """A random amount in cents between two amounts."""
    return rng.randint(cents(low), cents(high))


def whole_dollars(amount: int) -> int:
    return (amount + 50) // 100 * 100


# -- calendar -------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2 or not 1 <= int(month) <= 12:
            raise ValueError(f"expected a month YYYY-MM, got {text!r}")
        return cls(int(year), int(month))

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def day(self, day: int) -> date:
        return date(self.year, self.month, min(day, self.last.day))

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)


def month_of(day: date) -> Month:
    return Month(day.year, day.month)


@dataclass(frozen=True)
class Window:
    """The months the ledger covers: every line is dated from start to end."""

    months: tuple[Month, ...]

    @property
    def start(self) -> date:
        return self.months[0].first

    @property
    def end(self) -> date:
        return self.months[-1].last

    @property
    def end_month(self) -> Month:
        return self.months[-1]

    def before_end(self, months: int) -> Month:
        """The month `months` before the end month (0: the end month itself)."""
        return self.end_month.shift(-months)

    def index(self, month: Month) -> int:
        """Months since the end month: 0 for the end month, -1 the month before..."""
        end = self.end_month
        return (month.year - end.year) * 12 + month.month - end.month

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def weekday_near(day: date, latest: date) -> date:
    """The first weekday on or after `day`, or the last one before it when that one would fall
    in the next month or after `latest`.

    Routine costs are paid on weekdays (weekend spending is a finding, planted on purpose), and
    in the month they belong to."""
    forward = day
    while forward.weekday() >= 5:
        forward += timedelta(days=1)
    if forward <= latest and forward.month == day.month:
        return forward
    backward = day
    while backward.weekday() >= 5:
        backward -= timedelta(days=1)
    return backward


def next_weekday(day: date, weekday: int) -> date:
    """The first date on or after `day` falling on `weekday` (0 Monday ... 6 Sunday)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def seasonal_count(rng: random.Random, base: float, factor: float) -> int:
    return max(0, round(base * factor * rng.uniform(0.85, 1.15)))


# -- the ledger of one entity ---------------------------------------------------------------------


@dataclass
class Ledger:
    window: Window
    prefix: str
    lines: list[tuple[date, int, str, int, str, str]] = field(default_factory=list)

    def add(
        self, day: date, account: str, amount: int, description: str, counterparty: str
    ) -> None:
        """Record a cash movement (+ in, - out); it must fall inside the window."""
        if not self.window.contains(day):
            raise ValueError(f"{self.prefix}: {day} is outside the ledger window ({description})")
        if amount == 0:
            return
        self.lines.append((day, len(self.lines), account, amount, description, counterparty))

    def pay(
        self, day: date, account: str, amount: int, description: str, counterparty: str
    ) -> None:
        """A routine cost of `amount` cents, paid on the nearest weekday.

        Costs falling outside the window belong to another period and are left out."""
        if not self.window.contains(day) or amount <= 0:
            return
        self.add(weekday_near(day, self.window.end), account, -amount, description, counterparty)

    def bank_charges(self, rng: random.Random) -> None:
        """The bank's own lines: a monthly account fee, and interest on the last day."""
        for month in self.window.months:
            self.pay(month.day(2), "6900", cents(BANK_FEE), "Monthly account fee", BANK)
            self.add(month.last, "4900", between(rng, *INTEREST_EARNED), "Interest earned", BANK)

    def rows(self) -> list[tuple[str, ...]]:
        ordered = sorted(self.lines, key=lambda line: (line[0], line[1]))
        return [
            (f"{self.prefix}-{n:06d}", day.isoformat(), account, money(amount), description, party)
            for n, (day, _, account, amount, description, party) in enumerate(ordered, start=1)
        ]


# -- card payments through Stripe -----------------------------------------------------------------

# Stripe's standard US pricing for a card payment: 2.9% of the amount plus 30 cents. Refunds give
# no fee back.
STRIPE_FEE_RATE = "0.029"
STRIPE_FEE_FIXED = 30
STRIPE_SETTLE_DAYS = 2  # a payment is available for a payout two days after it is made
STRIPE_PAYOUT_WEEKDAY = 0  # weekly automatic payouts, on Mondays
STRIPE_HEADER = (
    "id",
    "Type",
    "Source",
    "Amount",
    "Fee",
    "Net",
    "Currency",
    "Created (UTC)",
    "Available On (UTC)",
    "Description",
)
STRIPE_TRANSFER_ACCOUNT = "1900"  # the payouts, on Stripe's side and the bank's: they cancel out
STRIPE_FEE_ACCOUNT = "6950"


@dataclass(frozen=True)
class StripeMovement:
    created: datetime  # UTC
    kind: str  # charge | refund | payout
    source_id: str
    amount: int  # cents, as Stripe signs it (a refund and a payout are negative)
    fee: int
    available_on: date
    description: str

    @property
    def net(self) -> int:
        return self.amount - self.fee


@dataclass
class StripeAccount:
    """An entity's Stripe balance: the guests' card payments and refunds, and the weekly payouts
    that move the balance to the bank, written as Stripe's balance transactions export."""

    window: Window
    prefix: str
    # Only for the times of day: the entity's own stream stays as it would be without Stripe.
    rng: random.Random
    movements: list[StripeMovement] = field(default_factory=list)

    def _created(self, day: date) -> datetime:
        # 16:00 to 23:59 UTC is the same day in California, summer and winter: the export's day
        # in the portfolio's time zone is the ledger day the payment had before.
        hour, minute = self.rng.randint(16, 23), self.rng.randint(0, 59)
        return datetime(day.year, day.month, day.day, hour, minute)

    def _source_id(self, kind: str) -> str:
        tag = {"charge": "ch", "refund": "re", "payout": "po"}[kind]
        count = sum(1 for m in self.movements if m.kind == kind) + 1
        return f"{tag}_demo{self.prefix}{count:06d}"

    def charge(self, day: date, amount: int, description: str) -> None:
        fee = scaled(amount, STRIPE_FEE_RATE) + STRIPE_FEE_FIXED
        self.movements.append(
            StripeMovement(
                self._created(day),
                "charge",
                self._source_id("charge"),
                amount,
                fee,
                day + timedelta(days=STRIPE_SETTLE_DAYS),
                description,
            )
        )

    def refund(self, day: date, amount: int, description: str) -> None:
        self.movements.append(
            StripeMovement(
                self._created(day),
                "refund",
                self._source_id("refund"),
                -amount,
                0,
                day,
                description,
            )
        )

    def pay_out(self, bank: Ledger) -> None:
        """Every Monday, what is available goes to the bank, where it arrives the next day on the
        transfer account (a payout at the end of the window is still in transit)."""
        paid = 0
        monday = next_weekday(self.window.start, STRIPE_PAYOUT_WEEKDAY)
        while monday <= self.window.end:
            available = sum(
                m.net for m in self.movements if m.kind != "payout" and m.available_on <= monday
            )
            if available - paid > 0:
                amount = available - paid
                paid += amount
                source_id = self._source_id("payout")
                created = datetime(monday.year, monday.month, monday.day, 17, 0)
                self.movements.append(
                    StripeMovement(
                        created, "payout", source_id, -amount, 0, monday, "STRIPE PAYOUT"
                    )
                )
                arrives = monday + timedelta(days=1)
                if self.window.contains(arrives):
                    bank.add(
                        arrives,
                        STRIPE_TRANSFER_ACCOUNT,
                        amount,
                        f"Stripe transfer {source_id}",
                        "Stripe",
                    )
            monday += timedelta(days=7)

    def ordered(self) -> list[tuple[str, StripeMovement]]:
        """The movements in time order, with their balance transaction ids."""
        ordered = sorted(self.movements, key=lambda m: (m.created, m.source_id))
        return [(f"txn_demo{self.prefix}{n:06d}", m) for n, m in enumerate(ordered, start=1)]

    def exports(self) -> dict[Month, list[tuple[str, ...]]]:
        """Each month's export: the balance transactions created in the month."""
        months: dict[Month, list[tuple[str, ...]]] = {m: [] for m in self.window.months}
        for txn_id, m in self.ordered():
            months[month_of(m.created.date())].append(
                (
                    txn_id,
                    m.kind,
                    m.source_id,
                    money(m.amount),
                    money(m.fee),
                    money(m.net),
                    "usd",
                    m.created.strftime("%Y-%m-%d %H:%M"),
                    m.available_on.strftime("%Y-%m-%d 00:00"),
                    m.description,
                )
            )
        return months

    def cash_moves(self) -> list[tuple[date, int]]:
        """How each movement changed the balance, and when: Stripe's balance is the business's
        cash too (its statement balances add it to the bank's)."""
        return [(m.created.date(), m.net) for m in self.movements]


@dataclass(frozen=True)
class Loan:
    """An amortizing loan: each payment is interest on the balance, the rest pays principal."""

    balance: str
    annual_rate: str
    payment: str

    def schedule(self, months: Iterable[Month]) -> list[tuple[Month, int, int]]:
        balance, payment = cents(self.balance), cents(self.payment)
        rate = Decimal(self.annual_rate) / 12
        out = []
        for month in months:
            interest = scaled(balance, rate)
            principal = min(payment - interest, balance)
            balance -= principal
            out.append((month, interest, principal))
        return out


def pay_loan(
    ledger: Ledger,
    loan: Loan,
    months: Iterable[Month],
    day: int,
    lender: str,
    interest_account: str,
    principal_account: str,
    label: str,
) -> None:
    for month, interest, principal in loan.schedule(months):
        ledger.pay(month.day(day), interest_account, interest, f"{label}: interest", lender)
        ledger.pay(month.day(day), principal_account, principal, f"{label}: principal", lender)


@dataclass(frozen=True)
class Subscription:
    """A stack component and what it costs a month (billed on `bill_day`)."""

    component: str
    provider: str
    category: str
    monthly_cost: str
    bill_day: int
    tls_days: int | None = None  # TLS expiry: days after the end date (negative: expired)
    deploy_days_ago: int | None = None
    deps_days_ago: int | None = None
    mfa: bool = True
    backups: bool = True
    ci: bool = True
    monitoring: bool = True
    usage_based: bool = False  # the bill varies a little from month to month


def bill_subscriptions(ledger: Ledger, rng: random.Random, stack: tuple[Subscription, ...]) -> None:
    for month in ledger.window.months:
        for item in stack:
            amount = cents(item.monthly_cost)
            if item.usage_based and month != ledger.window.end_month:
                amount = scaled(amount, Decimal(rng.randint(880, 1060)) / 1000)
            ledger.pay(
                month.day(item.bill_day),
                "6200",
                amount,
                f"{item.component} subscription",
                item.provider,
            )


def stack_rows(window: Window, stack: tuple[Subscription, ...]) -> list[tuple[str, ...]]:
    def ago(days: int | None) -> str:
        return "" if days is None else (window.end - timedelta(days=days)).isoformat()

    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    return [
        (
            s.component,
            s.provider,
            s.category,
            s.monthly_cost,
            yes(s.mfa),
            yes(s.backups),
            "" if s.tls_days is None else (window.end + timedelta(days=s.tls_days)).isoformat(),
            ago(s.deploy_days_ago),
            ago(s.deps_days_ago),
            yes(s.ci),
            yes(s.monitoring),
        )
        for s in stack
    ]


@dataclass(frozen=True)
class Asset:
    asset_id: str
    name: str
    category: str
    acquired_on: str  # ISO date, or "M-<n>:<day>" for n months before the end month
    cost: str
    life_years: int  # straight-line depreciation to zero; 0: not depreciated (land, domains)
    status: str = "active"


def asset_rows(window: Window, assets: Iterable[Asset]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for asset in assets:
        acquired = resolve_day(window, asset.acquired_on)
        cost = cents(asset.cost)
        if asset.status != "active":
            book = 0
        elif asset.life_years:
            used = Decimal((window.end - acquired).days) / Decimal(365 * asset.life_years)
            book = max(0, cost - scaled(cost, min(used, Decimal(1))))
        else:
            book = cost
        rows.append(
            (
                asset.asset_id,
                asset.name,
                asset.category,
                acquired.isoformat(),
                money(cost),
                money(book),
                asset.status,
            )
        )
    return rows


def resolve_day(window: Window, spec: str) -> date:
    """An ISO date, or "M-<n>:<day>": day `day` of the month n months before the end month."""
    if spec.startswith("M-"):
        months, day = spec[2:].split(":")
        return window.before_end(int(months)).day(int(day))
    return date.fromisoformat(spec)


# -- charters -------------------------------------------------------------------------------------

ALWAYS = 10_000  # "listed since" for channels listed for as long as the data goes back

# Share of a peak-free month's charters in each calendar month: San Diego's season peaks June to
# August and is thin in winter (whale watching keeps a little going).
# fmt: off
CHARTER_SEASON = dict(zip(range(1, 13),
                          (0.35, 0.40, 0.55, 0.70, 0.85, 1.30, 1.50, 1.45, 1.00, 0.75, 0.45, 0.50),
                          strict=True))
# fmt: on
PEAK_PREMIUM = "1.10"  # prices in June to August
PREPAID_SHARE = 0.78  # direct bookings paid when booked; the rest pay on the day
CANCEL_RATE = 0.035  # random cancellations (refunded when prepaid, simply cancelled otherwise)


@dataclass(frozen=True)
class Channel:
    name: str
    listed_since: int | None  # months before the end month the listing started; None: never
    weight: int = 0  # share of the bookings while listed
    commission: str = "0"  # OTA commission on the bookings it sells
    payout_from: str = ""  # who pays the money (OTAs); empty: the guest pays
    leads_per_booking: tuple[float, float] = (1.4, 2.6)

    def listed(self, months_before_end: int) -> bool:
        return self.listed_since is not None and months_before_end <= self.listed_since


@dataclass(frozen=True)
class CharterSpec:
    entity_id: str
    prefix: str
    vessel: str
    charters_per_month: float  # in a month of seasonality 1.0, at the end of the window
    yearly_growth: float
    products: tuple[tuple[str, str, int], ...]  # (name, price, weight)
    channels: tuple[Channel, ...]
    ads_budget: str  # google_ads spend in a month of seasonality 1.0
    crew_per_charter: str
    fuel_per_charter: str
    provisions_per_charter: str
    moorage: str
    insurance: str
    captain_pay: str  # per semi-monthly payroll run; "0" when the owner skippers
    maintenance: tuple[str, str]  # routine repairs a month
    owner_draw: tuple[str, str]  # (off-season, June to September)
    capital_calls: tuple[tuple[int, str], ...]  # (months before end, owner contribution)
    loan: Loan | None
    stack: tuple[Subscription, ...]
    assets: tuple[Asset, ...]
    # The deliberate findings this vessel carries: "revenue_recognition" (cancelled and refunded
    # bookings), "malformed_booking" (the portfolio's one malformed row), "haul_out" (a cost
    # outlier).
    showcase: tuple[str, ...] = ()
    # Guests pay by card through Stripe (their payments and refunds are in the Stripe export, the
    # weekly payouts in the bank's ledger); otherwise straight into the bank.
    stripe: bool = False


JADA_CHANNELS = (
    Channel("direct", ALWAYS, 22, leads_per_booking=(1.2, 1.8)),
    Channel("website", ALWAYS, 24),
    Channel("google_ads", ALWAYS, 12, leads_per_booking=(3.0, 5.0)),
    Channel("getmyboat", ALWAYS, 20, "0.125", "GetMyBoat payouts", (3.0, 4.5)),
    Channel("boatsetter", ALWAYS, 14, "0.150", "Boatsetter payouts", (2.5, 4.0)),
    Channel("viator", 2, 10, "0.200", "Viator payouts", (4.0, 6.0)),
    Channel("airbnb_experiences", None),
)
QUEEN_CHANNELS = (
    Channel("direct", ALWAYS, 34, leads_per_booking=(1.3, 2.0)),
    Channel("website", ALWAYS, 30),
    Channel("google_ads", ALWAYS, 18, leads_per_booking=(3.5, 6.0)),
    Channel("getmyboat", ALWAYS, 18, "0.125", "GetMyBoat payouts", (3.0, 4.5)),
    Channel("boatsetter", None),
    Channel("viator", None),
    Channel("airbnb_experiences", None),
)

# Stack snapshots and assets. Subscription(component, provider, category, monthly cost, bill
# day, ...): TLS expiry in days after the end date, deploy and dependency update in days before it.
# fmt: off
JADA_STACK = (
    Subscription("jada-website", "Netlify", "website", "19.00", 4,
                 tls_days=18, deploy_days_ago=9, deps_days_ago=41),  # TLS expires within 30 days
    Subscription("booking-engine", "Render", "app", "25.00", 6,
                 tls_days=143, deploy_days_ago=16, deps_days_ago=52),
    Subscription("google-workspace", "Google Workspace", "saas", "14.40", 8),
    Subscription("quickbooks", "QuickBooks Online", "saas", "38.00", 12),
    Subscription("dns", "Cloudflare", "saas", "0.00", 1),
)
JADA_ASSETS = (
    Asset("JADA-V1", "Sailing yacht JADA (44 ft sloop)", "vessel", "2019-05-14", "185000.00", 25),
    Asset("JADA-V2", "Tender with 15 hp outboard", "vessel", "2021-03-02", "8640.00", 8),
    Asset("JADA-E1", "Safety gear and life rafts", "equipment", "2022-04-19", "4980.00", 6),
    Asset("JADA-E2", "Old outboard (sold)", "equipment", "2016-06-01", "2150.00", 8, "sold"),
    Asset("JADA-D1", "jada-sailing.example.com", "domain", "2019-05-20", "12.00", 0),
)
QUEEN_STACK = (
    Subscription("queen-website", "Squarespace", "website", "33.00", 5,
                 tls_days=-19, deploy_days_ago=143, deps_days_ago=120),  # TLS expired, no deploy
    Subscription("event-booking", "Render", "app", "25.00", 7,
                 tls_days=201, deploy_days_ago=24, deps_days_ago=60),
    Subscription("google-workspace", "Google Workspace", "saas", "28.80", 8),
    Subscription("quickbooks", "QuickBooks Online", "saas", "38.00", 12),
    Subscription("pos", "Square", "saas", "60.00", 15),
)
QUEEN_ASSETS = (
    Asset("QSD-V1", "Queen of San Diego (65 ft motor sailer)", "vessel", "2023-03-21",
          "420000.00", 25),
    Asset("QSD-V2", "Rescue tender", "vessel", "2023-04-11", "14750.00", 8),
    Asset("QSD-E1", "Galley and sound system", "equipment", "2023-05-02", "23180.00", 7),
    Asset("QSD-D1", "queen-of-san-diego.example.com", "domain", "2023-03-25", "12.00", 0),
)
# fmt: on

JADA = CharterSpec(
    entity_id="jada",
    prefix="JADA",
    vessel="JADA",
    charters_per_month=18.0,
    yearly_growth=0.12,
    products=(
        ("2-hour harbor sail", "645.00", 30),
        ("sunset sail", "845.00", 34),
        ("half-day sail", "1245.00", 26),
        ("full-day sail", "2395.00", 10),
    ),
    channels=JADA_CHANNELS,
    ads_budget="520.00",
    crew_per_charter="135.00",
    fuel_per_charter="22.00",
    provisions_per_charter="38.00",
    moorage="1845.00",
    insurance="792.00",
    captain_pay="0",
    maintenance=("180.00", "880.00"),
    owner_draw=("3000.00", "6000.00"),
    capital_calls=(),
    loan=None,
    stack=JADA_STACK,
    assets=JADA_ASSETS,
    showcase=("revenue_recognition",),
    stripe=True,
)


QUEEN = CharterSpec(
    entity_id="queen_of_san_diego",
    prefix="QSD",
    vessel="Queen of San Diego",
    charters_per_month=7.5,
    yearly_growth=-0.04,
    products=(
        ("harbor cruise", "1595.00", 32),
        ("sunset dinner cruise", "2895.00", 34),
        ("whale watching", "2250.00", 14),
        ("private event (4 h)", "4950.00", 20),
    ),
    channels=QUEEN_CHANNELS,
    ads_budget="1150.00",
    crew_per_charter="240.00",
    fuel_per_charter="140.00",
    provisions_per_charter="265.00",
    moorage="3920.00",
    insurance="2140.00",
    captain_pay="3284.62",
    maintenance=("350.00", "1450.00"),
    owner_draw=("0", "0"),
    capital_calls=(
        (20, "35000.00"),
        (10, "45000.00"),
        (6, "25000.00"),
        (3, "30000.00"),
        (1, "20000.00"),
    ),
    loan=Loan("318000.00", "0.0725", "4150.00"),
    stack=QUEEN_STACK,
    assets=QUEEN_ASSETS,
    showcase=("malformed_booking", "haul_out"),
)


MOORAGE_RAISE = "1.04"  # the marina raises slip fees every January
# Queen's haul-out and bottom paint in M-1: far above its usual repairs (a cost outlier).
OUTLIER_HAUL_OUT = "14386.20"


@dataclass
class Booking:
    channel: str
    booked_on: date
    service_date: date
    amount: int
    paid_on: date | None
    status: str = "confirmed"
    product: str = ""
    refund_on: date | None = None  # the refund line's date; None: no money went back
    note: str = ""
    malformed_service_date: str = ""  # written instead of service_date (the one malformed row)
    quantity: str = ""
    booking_id: str = ""
    payer: str = ""


def charter_price(rng: random.Random, spec: CharterSpec, service: date) -> tuple[str, int]:
    names = [p[0] for p in spec.products]
    name = rng.choices(names, weights=[p[2] for p in spec.products])[0]
    price = cents(dict((p[0], p[1]) for p in spec.products)[name])
    if service.month in (6, 7, 8):
        price = scaled(price, PEAK_PREMIUM)
    return name, price


def service_day(rng: random.Random, month: Month) -> date:
    """Charters lean towards weekends."""
    while True:
        day = month.day(rng.randint(1, month.last.day))
        if day.weekday() >= 4 or rng.random() < 0.45:
            return day


def charter_bookings(window: Window, spec: CharterSpec, rng: random.Random) -> list[Booking]:
    bookings: list[Booking] = []
    months = list(window.months) + [window.end_month.shift(1), window.end_month.shift(2)]
    for month in months:
        index = window.index(month)
        base = spec.charters_per_month * (1 + spec.yearly_growth) ** (index / 12)
        for _ in range(seasonal_count(rng, base, CHARTER_SEASON[month.month])):
            service = service_day(rng, month)
            product, price = charter_price(rng, spec, service)
            lead = rng.randint(1, 20) if rng.random() < 0.5 else rng.randint(21, 95)
            booked = service - timedelta(days=lead)
            if booked < window.start:
                booked = window.start + timedelta(
                    days=rng.randint(0, (service - window.start).days)
                )
            if booked > window.end:
                continue
            open_channels = [
                c for c in spec.channels if c.weight and c.listed(-window.index(month_of(booked)))
            ]
            channel = rng.choices(open_channels, weights=[c.weight for c in open_channels])[0]
            if channel.payout_from or rng.random() < PREPAID_SHARE:
                paid: date | None = booked
            else:
                paid = service if service <= window.end else None
            booking = Booking(channel.name, booked, service, price, paid, product=product)
            if rng.random() < CANCEL_RATE:
                cancelled_on = booked + timedelta(days=rng.randint(0, (service - booked).days))
                if paid == booked and cancelled_on <= window.end:  # prepaid: the money goes back
                    booking.status, booking.refund_on = "refunded", cancelled_on
                    booking.note = "guest cancelled in time"
                elif paid != booked:  # not paid yet: simply cancelled
                    booking.status, booking.paid_on = "cancelled", None
            bookings.append(booking)
    return bookings


def planted_charter_bookings(window: Window, spec: CharterSpec) -> list[Booking]:
    """The bookings that make sure each revenue-recognition finding exists."""
    start = window.start
    # The first ledger line of the entity: a booking paid on the first day.
    planted = [
        Booking(
            "direct",
            start,
            start + timedelta(days=9),
            cents(spec.products[1][1]),
            start,
            product=spec.products[1][0],
        )
    ]
    if "revenue_recognition" in spec.showcase:
        m4, m2, m1, m5 = (window.before_end(n) for n in (4, 2, 1, 5))
        planted += [
            # Cancelled, prepayment kept: no refund line.
            Booking(
                "direct",
                m4.day(11),
                m2.day(13),
                cents("1245.00"),
                m4.day(11),
                "cancelled",
                "half-day sail",
                note="no-show, deposit kept",
            ),
            # Marked refunded, but no refund line in the ledger.
            Booking(
                "getmyboat",
                m4.day(20),
                m1.day(6),
                cents("845.00"),
                m4.day(20),
                "refunded",
                "sunset sail",
            ),
            # Refunded with its refund line.
            Booking(
                "website",
                m5.day(2),
                m5.day(24),
                cents("2395.00"),
                m5.day(2),
                "refunded",
                "full-day sail",
                refund_on=m5.day(21),
                note="small-craft advisory",
            ),
        ]
    if "malformed_booking" in spec.showcase:
        feb = next(m for m in reversed(window.months) if m.month == 2)
        planted.append(
            Booking(
                "direct",
                feb.shift(-1).day(20),
                feb.day(27),
                cents(spec.products[1][1]),
                feb.shift(-1).day(20),
                product=spec.products[1][0],
                malformed_service_date=f"{feb.year:04d}-02-30",
            )
        )
    return planted


def number_bookings(bookings: list[Booking], prefix: str) -> list[Booking]:
    ordered = sorted(enumerate(bookings), key=lambda b: (b[1].booked_on, b[1].service_date, b[0]))
    result = []
    for n, (_, booking) in enumerate(ordered, start=1):
        booking.booking_id = f"{prefix}{n:04d}"
        result.append(booking)
    return result


def booking_rows(bookings: list[Booking], quantity: bool = False) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for b in bookings:
        row = (
            b.booking_id,
            b.channel,
            b.booked_on.isoformat(),
            b.malformed_service_date or b.service_date.isoformat(),
            money(b.amount),
            b.paid_on.isoformat() if b.paid_on else "",
            b.status,
        )
        rows.append(row + (b.quantity,) if quantity else row)
    return rows


def half_months(window: Window) -> list[tuple[date, date, date]]:
    """(first day, last day, pay day) of each half month: payroll runs on the 15th and month end."""
    out = []
    for month in window.months:
        out.append((month.first, month.day(15), month.day(15)))
        out.append((month.day(16), month.last, month.last))
    return out


def charter(
    window: Window, spec: CharterSpec, rng: random.Random, stripe: StripeAccount | None = None
) -> dict[str, tuple]:
    """A charter vessel's files. With `stripe`, the guests' own payments and refunds go through
    it (the online travel agencies still pay into the bank)."""
    ledger = Ledger(window, spec.prefix)
    channels = {c.name: c for c in spec.channels}
    bookings = number_bookings(
        charter_bookings(window, spec, rng) + planted_charter_bookings(window, spec),
        f"{spec.prefix}-B",
    )
    for b in bookings:
        channel = channels[b.channel]
        b.payer = channel.payout_from or person(rng)
        card = None if channel.payout_from else stripe
        description = f"Charter {b.booking_id}: {b.product} on {b.service_date.isoformat()}"
        if b.paid_on is not None:
            if card is not None:
                card.charge(b.paid_on, b.amount, description)
            else:
                ledger.add(b.paid_on, "4000", b.amount, description, b.payer)
        if b.refund_on is not None:
            refund = f"Refund {b.booking_id}: {b.note}"
            if card is not None:
                card.refund(b.refund_on, b.amount, refund)
            else:
                ledger.add(b.refund_on, "4000", -b.amount, refund, b.payer)

    # Crew, fuel and provisions follow the charters actually sailed.
    sailed = [b for b in bookings if b.status == "confirmed" and b.service_date <= window.end]
    for first, last, pay_day in half_months(window):
        count = sum(1 for b in sailed if first <= b.service_date <= last)
        if not count:
            continue
        ledger.pay(
            pay_day,
            "5200",
            count * cents(spec.crew_per_charter) + rng.randint(0, 9000),
            f"Deckhands, {count} charters",
            "Harbor Crew Example LLC",
        )
        ledger.pay(
            last - timedelta(days=3),
            "5000",
            scaled(count * cents(spec.fuel_per_charter), Decimal(rng.randint(900, 1100)) / 1000),
            "Fuel dock",
            "Shelter Island Example Fuel",
        )
        ledger.pay(
            first + timedelta(days=2),
            "5500",
            scaled(
                count * cents(spec.provisions_per_charter), Decimal(rng.randint(900, 1100)) / 1000
            ),
            "Guest provisions",
            "Point Loma Example Provisions",
        )
        if cents(spec.captain_pay):
            ledger.pay(
                pay_day, "6400", cents(spec.captain_pay), "Captain payroll", "Captain Morgan Sample"
            )

    # OTA commissions: a month's commission on the payouts of that month.
    commission: dict[tuple[str, Month], int] = defaultdict(int)
    for b in bookings:
        channel = channels[b.channel]
        if channel.payout_from and b.paid_on is not None:
            commission[(b.channel, month_of(b.paid_on))] += scaled(b.amount, channel.commission)
    ads: dict[Month, int] = {}
    moorage = cents(spec.moorage)
    for month in window.months:
        if month.month == 1 and month != window.months[0]:
            moorage = scaled(moorage, MOORAGE_RAISE)
        for channel in spec.channels:
            ledger.pay(
                month.last,
                "5300",
                commission[(channel.name, month)],
                f"{channel.name} commission {month.label}",
                channel.payout_from,
            )
        ads[month] = scaled(
            cents(spec.ads_budget),
            Decimal(str(CHARTER_SEASON[month.month])) * Decimal(rng.randint(900, 1100)) / 1000,
        )
        ledger.pay(month.last, "6300", ads[month], f"Google Ads {month.label}", "Google Ads")
        ledger.pay(
            month.day(1),
            "6000",
            moorage,
            f"Slip for {spec.vessel}, {month.label}",
            "Harbor Island Example Marina",
        )
        ledger.pay(
            month.day(3),
            "6100",
            cents(spec.insurance),
            f"Hull and P&I insurance, {spec.vessel}",
            "Seaworthy Example Insurance",
        )
        ledger.pay(
            month.day(rng.randint(5, 26)),
            "6700",
            between(rng, *spec.maintenance),
            "Routine maintenance",
            "Driscoll Example Boatworks",
        )
        if month.month in (1, 4, 7, 10):
            ledger.pay(
                month.day(20),
                "6800",
                cents("450.00"),
                "Quarterly bookkeeping",
                "Ledgerly Example Bookkeeping",
            )
        draw = spec.owner_draw[1] if month.month in (6, 7, 8, 9) else spec.owner_draw[0]
        ledger.pay(month.day(28), "3100", cents(draw), "Owner draw", "Owner")
    for months_before, amount in spec.capital_calls:
        day = weekday_near(window.before_end(months_before).day(6), window.end)
        if window.contains(day):  # a shorter window starts after the earliest calls
            ledger.add(day, "3000", cents(amount), "Owner capital contribution", "Owner")
    if spec.loan is not None:
        pay_loan(
            ledger,
            spec.loan,
            window.months,
            5,
            "Coastal Example Marine Finance",
            "6550",
            "2000",
            "Vessel loan",
        )
    if "haul_out" in spec.showcase:
        ledger.pay(
            window.before_end(1).day(14),
            "6700",
            cents(OUTLIER_HAUL_OUT),
            "Haul-out, bottom paint and shaft seals",
            "Shelter Island Example Boatyard",
        )
    bill_subscriptions(ledger, rng, spec.stack)
    ledger.bank_charges(rng)
    if stripe is not None:
        stripe.pay_out(ledger)

    channel_rows = []
    for month in window.months:
        sold = [b for b in bookings if month_of(b.booked_on) == month and b.status != "cancelled"]
        for channel in spec.channels:
            listed = channel.listed(-window.index(month))
            mine = [b for b in sold if b.channel == channel.name]
            revenue = sum(b.amount for b in mine if b.status == "confirmed")
            spend = (
                ads[month] if channel.name == "google_ads" else commission[(channel.name, month)]
            )
            leads = round(len(mine) * rng.uniform(*channel.leads_per_booking)) + (
                rng.randint(0, 3) if listed else 0
            )
            channel_rows.append(
                (
                    month.label,
                    channel.name,
                    "yes" if listed else "no",
                    money(spend),
                    str(leads),
                    str(len(mine)),
                    money(revenue),
                )
            )
    return {
        "ledger": (LEDGER_HEADER, ledger.rows()),
        "bookings": (BOOKINGS_HEADER, booking_rows(bookings)),
        "channels": (CHANNELS_HEADER, channel_rows),
        "assets": (ASSETS_HEADER, asset_rows(window, spec.assets)),
        "stack": (STACK_HEADER, stack_rows(window, spec.stack)),
    }


# -- hauling --------------------------------------------------------------------------------------

HAULING_JOBS_PER_MONTH = 36.0
# fmt: off
HAULING_SEASON = dict(zip(range(1, 13),
                          (0.80, 0.82, 0.95, 1.05, 1.15, 1.20, 1.15, 1.10, 1.00, 0.95, 0.90, 0.85),
                          strict=True))
# fmt: on
# (load, low price, high price, weight): prices are whole dollars.
HAULING_LOADS = (
    ("single item", "145", "245", 24),
    ("quarter load", "225", "345", 28),
    ("half load", "365", "495", 26),
    ("full load", "595", "795", 17),
    ("estate cleanout", "1150", "2450", 5),
)
DUMP_FEE_SHARE = (220, 300)  # per mille of the ticket, billed weekly by the landfill
LANDFILLS = ("Miramar Example Landfill", "Otay Example Transfer Station")
HELPER_PER_JOB = "78.00"  # helpers paid weekly, per job
DRIVER_PAY_RUN = "2150.00"  # the second truck's driver, per semi-monthly payroll run
TRUCK_DOWN_PAYMENT = "12000.00"  # the owner's contribution towards the second truck
FUEL_PER_TRUCK_WEEK = ("165.00", "245.00")
HAULING_CHANNELS = (
    Channel("google_ads", ALWAYS, 30, leads_per_booking=(2.2, 3.2)),
    Channel("yelp", ALWAYS, 22, leads_per_booking=(2.0, 3.0)),
    Channel("thumbtack", ALWAYS, 16, leads_per_booking=(2.8, 4.0)),
    Channel("referral", ALWAYS, 18, leads_per_booking=(1.0, 1.3)),
    Channel("direct", ALWAYS, 14, leads_per_booking=(1.0, 1.5)),
    Channel("nextdoor", None),
    Channel("angi", None),
)
GOOGLE_ADS_HAULING = "780.00"
YELP_MONTHLY = "450.00"
THUMBTACK_PER_LEAD = "16.50"
# fmt: off
NEIGHBORHOODS = ("North Park", "Clairemont", "Chula Vista", "La Mesa", "Kensington", "Encanto",
                 "Point Loma", "Mira Mesa", "El Cajon", "Normal Heights")
# fmt: on
SECOND_TRUCK_MONTHS_BEFORE_END = 17
# fmt: off
HAULING_STACK = (
    Subscription("dispatch-app", "Render", "app", "45.00", 3,
                 tls_days=96, deploy_days_ago=21, deps_days_ago=70, mfa=False),  # MFA off
    Subscription("quote-form", "Netlify", "website", "19.00", 4,
                 tls_days=230, deploy_days_ago=33, deps_days_ago=88, ci=False),  # no CI
    Subscription("google-workspace", "Google Workspace", "saas", "14.40", 8),
    Subscription("quickbooks", "QuickBooks Online", "saas", "38.00", 12),
    Subscription("fleet-gps", "Samsara", "saas", "66.00", 18),
)
HAULING_ASSETS = (
    Asset("QDN-T1", "Truck 1: 2019 16 ft box truck", "vehicle", "2021-02-08", "42500.00", 8),
    Asset("QDN-T2", "Truck 2: 2023 dump truck", "vehicle", f"M-{SECOND_TRUCK_MONTHS_BEFORE_END}:12",
          "51280.40", 8),
    Asset("QDN-E1", "Dolly, straps and tools", "equipment", "2021-02-15", "2860.00", 5),
    Asset("QDN-D1", "quickdumpnow.example.com", "domain", "2021-01-30", "12.00", 0),
)
# fmt: on


def hauling(window: Window, rng: random.Random) -> dict[str, tuple]:
    ledger = Ledger(window, "QDN")
    second_truck = resolve_day(window, HAULING_ASSETS[1].acquired_on)
    selling = [c for c in HAULING_CHANNELS if c.weight]
    jobs: list[tuple[date, str]] = [(window.start, "referral")]  # the entity's first line
    for month in window.months:
        trucks = 2 if month.first >= second_truck.replace(day=1) else 1
        base = HAULING_JOBS_PER_MONTH * (1.35 if trucks == 2 else 1.0)
        for _ in range(seasonal_count(rng, base, HAULING_SEASON[month.month])):
            day = month.day(rng.randint(1, month.last.day))
            if day.weekday() == 6:  # no jobs on Sundays
                day += timedelta(days=1 if day.day == 1 else -1)
            channel = rng.choices(selling, weights=[c.weight for c in selling])[0]
            jobs.append((day, channel.name))
    jobs.sort(key=lambda job: job[0])
    job_rows: list[tuple[date, str, int]] = []
    dump_fees: list[tuple[date, str, int]] = []  # (day, landfill, fee)
    for n, (day, channel_name) in enumerate(jobs, start=1):
        load, low, high, _ = rng.choices(HAULING_LOADS, weights=[x[3] for x in HAULING_LOADS])[0]
        price = rng.randint(int(low), int(high)) // 5 * 500  # whole dollars, in fives
        job_rows.append((day, channel_name, price))
        ledger.add(
            day,
            "4100",
            price,
            f"Job QDN-J{n:05d}: {load}, {rng.choice(NEIGHBORHOODS)}",
            person(rng),
        )
        share = Decimal(rng.randint(*DUMP_FEE_SHARE)) / 1000
        dump_fees.append((day, rng.choice(LANDFILLS), scaled(price, share)))
    # Weekly: the landfills' statements, helpers (per job) and fuel (per truck).
    friday = next_weekday(window.start, 4)
    while friday <= window.end + timedelta(days=6):
        week = [job for job in job_rows if friday - timedelta(days=7) < job[0] <= friday]
        pay_day = min(friday, window.end)
        for site in LANDFILLS:
            fees = [
                fee
                for day, where, fee in dump_fees
                if where == site and friday - timedelta(days=7) < day <= friday
            ]
            ledger.pay(pay_day, "5100", sum(fees), f"Dump fees, {len(fees)} loads", site)
        ledger.pay(
            pay_day,
            "5200",
            len(week) * cents(HELPER_PER_JOB) + rng.randint(0, 4000),
            f"Helpers, {len(week)} jobs",
            "Day Crew Example Staffing",
        )
        trucks = 2 if friday >= second_truck else 1
        for truck in range(1, trucks + 1):
            ledger.pay(
                pay_day - timedelta(days=3 + truck),
                "5000",
                between(rng, *FUEL_PER_TRUCK_WEEK),
                f"Fuel, truck {truck}",
                "Example Fleet Fuel Card",
            )
        friday += timedelta(days=7)

    # Loans: truck 1 is being paid off; truck 2 was bought with a loan draw.
    before = [m for m in window.months if m.first <= second_truck]
    after = [m for m in window.months if m.first > second_truck]
    pay_loan(
        ledger,
        Loan("28400.00", "0.079", "865.00"),
        window.months,
        10,
        "Mission Example Credit Union",
        "6550",
        "2000",
        "Truck 1 loan",
    )
    ledger.add(
        second_truck, "2000", cents("40000.00"), "Truck 2 loan draw", "Mission Example Credit Union"
    )
    ledger.add(
        second_truck, "3000", cents(TRUCK_DOWN_PAYMENT), "Owner contribution: truck 2", "Owner"
    )
    ledger.add(
        second_truck,
        "1500",
        -cents(HAULING_ASSETS[1].cost),
        "Truck 2 purchase",
        "Kearny Mesa Example Trucks",
    )
    pay_loan(
        ledger,
        Loan("40000.00", "0.084", "818.00"),
        after,
        10,
        "Mission Example Credit Union",
        "6550",
        "2000",
        "Truck 2 loan",
    )

    spend: dict[tuple[str, Month], int] = {}
    for month in window.months:
        trucks = 1 if month in before else 2
        insurance = "1385.00" if trucks == 1 else "1962.00"
        ledger.pay(
            month.day(3),
            "6100",
            cents(insurance),
            "Commercial auto insurance",
            "Seaworthy Example Insurance",
        )
        ledger.pay(
            month.day(rng.randint(4, 26)),
            "6700",
            between(rng, "120.00", "690.00"),
            "Truck service",
            "Convoy Example Truck Repair",
        )
        spend[("google_ads", month)] = scaled(
            cents(GOOGLE_ADS_HAULING), Decimal(rng.randint(850, 1150)) / 1000
        )
        spend[("yelp", month)] = cents(YELP_MONTHLY)
        ledger.pay(
            month.last,
            "6300",
            spend[("google_ads", month)],
            f"Google Ads {month.label}",
            "Google Ads",
        )
        ledger.pay(month.day(2), "6300", spend[("yelp", month)], f"Yelp Ads {month.label}", "Yelp")
        if trucks == 1:  # the owner stopped drawing when the second truck came
            ledger.pay(month.day(20), "3100", cents("2500.00"), "Owner draw", "Owner")
        else:
            for pay_day in (month.day(15), month.last):
                ledger.pay(
                    pay_day, "6400", cents(DRIVER_PAY_RUN), "Driver payroll", "Casey Demoson"
                )

    channel_rows = []
    for month in window.months:
        for channel in HAULING_CHANNELS:
            mine = [job for job in job_rows if month_of(job[0]) == month and job[1] == channel.name]
            listed = channel.listed_since is not None
            leads = round(len(mine) * rng.uniform(*channel.leads_per_booking)) + (
                rng.randint(0, 4) if listed else 0
            )
            if channel.name == "thumbtack":
                spend[("thumbtack", month)] = leads * cents(THUMBTACK_PER_LEAD)
                ledger.pay(
                    month.last,
                    "6300",
                    spend[("thumbtack", month)],
                    f"Thumbtack leads {month.label}",
                    "Thumbtack",
                )
            channel_rows.append(
                (
                    month.label,
                    channel.name,
                    "yes" if listed else "no",
                    money(spend.get((channel.name, month), 0)),
                    str(leads),
                    str(len(mine)),
                    money(sum(job[2] for job in mine)),
                )
            )

    # Deliberate findings: a weekend cost and two lines on an account missing from the chart.
    sunday = next_weekday(window.before_end(6).day(8), 6)
    ledger.add(
        sunday, "6700", -cents("486.35"), "Emergency tire replacement", "Roadside Example Tire"
    )
    ledger.pay(
        window.before_end(9).day(17),
        UNMAPPED_ACCOUNT,
        cents("184.60"),
        "Cash purchase, no receipt",
        "Unknown",
    )
    ledger.pay(
        window.before_end(3).day(8),
        UNMAPPED_ACCOUNT,
        cents("72.15"),
        "Misc, ask bookkeeper",
        "Home Example Supply",
    )
    bill_subscriptions(ledger, rng, HAULING_STACK)
    ledger.bank_charges(rng)
    return {
        "ledger": (LEDGER_HEADER, ledger.rows()),
        "channels": (CHANNELS_HEADER, channel_rows),
        "assets": (ASSETS_HEADER, asset_rows(window, HAULING_ASSETS)),
        "stack": (STACK_HEADER, stack_rows(window, HAULING_STACK)),
    }


# -- agency ---------------------------------------------------------------------------------------

RETAINER_TERMS_DAYS = 15
PROJECT_TERMS_DAYS = 30
BLENDED_RATE = "155.00"  # per hour, to size project hours


@dataclass(frozen=True)
class Client:
    code: str
    name: str
    retainer: str  # monthly retainer, "0" for project-only clients
    retainer_hours: float
    payment: str  # prompt | late | stalls
    since: int  # months before the end month the client started (ALWAYS: before the window)


AGENCY_CLIENTS = (
    Client("HV", "Harborview Example Dental", "6850.00", 38.0, "prompt", ALWAYS),
    Client("NW", "Northwind Example Outfitters", "8200.00", 52.0, "late", ALWAYS),
    Client("GX", "Globex Example Media", "5900.00", 34.0, "stalls", ALWAYS),
    Client("BW", "Bluewater Example Hotels", "0", 0.0, "prompt", ALWAYS),
    Client("SB", "Sunset Example Brewing", "0", 0.0, "late", 9),
    Client("TL", "Tidelands Example Credit Union", "5400.00", 30.0, "prompt", 13),
)
GLOBEX_STALLS = 4  # Globex stops paying from the retainer issued this many months before the end
# Project milestones: (client code, months before end, amount, day of the month issued)
PROJECT_MILESTONES = (
    ("BW", 23, "14400.00", 9),
    ("BW", 21, "11850.00", 14),
    ("BW", 19, "16250.00", 6),
    ("BW", 17, "9875.00", 20),
    ("BW", 15, "12600.00", 19),
    ("BW", 12, "13975.00", 11),
    ("BW", 10, "9480.00", 23),
    ("SB", 8, "11200.00", 12),
    ("SB", 6, "15650.00", 5),
    ("BW", 5, "10925.00", 10),
    ("SB", 3, "12880.00", 17),
    ("BW", 2, "8925.00", 10),
    ("SB", 1, "10750.00", 8),
    ("BW", 0, "11460.00", 27),  # paid after the end: a current invoice
)
AGENCY_OWNER_DRAW = "4000.00"
STAFF_PAY_RUN = "7846.15"  # two staff, per semi-monthly payroll run
STAFF_RAISE = (9, "8182.31")  # (months before end it takes effect, new pay per run)
CONTRACTORS = (
    ("Riley Sample (contract developer)", "92.50"),
    ("Tatum Mockridge (illustrator)", "78.00"),
)
# fmt: off
AGENCY_STACK = (
    Subscription("client-portal", "Vercel", "app", "40.00", 2,
                 tls_days=71, deploy_days_ago=3, deps_days_ago=19),
    Subscription("client-portal-legacy", "AWS", "app", "286.40", 4, tls_days=128,
                 deploy_days_ago=58, deps_days_ago=241, usage_based=True),  # stale dependencies
    Subscription("source-control", "GitHub", "saas", "84.00", 6),
    Subscription("design", "Figma", "saas", "75.00", 9),
    Subscription("chat", "Slack", "saas", "43.75", 11),
    Subscription("google-workspace", "Google Workspace", "saas", "72.00", 8),
    Subscription("quickbooks", "QuickBooks Online", "saas", "90.00", 12),
    Subscription("creative-cloud", "Adobe", "saas", "89.99", 14),
)
# fmt: on
AGENCY_ASSETS = (
    Asset("DC-E1", "Design workstations (3)", "equipment", "2024-02-12", "11240.00", 4),
    Asset("DC-E2", "Laptops (4)", "equipment", "M-11:7", "9876.40", 3),
    Asset("DC-E3", "Conference display", "equipment", "2022-09-30", "1980.00", 5),
    Asset("DC-D1", "dangerous-centaur.example.com", "domain", "2020-01-10", "12.00", 0),
)


@dataclass
class Invoice:
    invoice_id: str
    client: Client
    issued_on: date
    due_on: date
    amount: int
    hours: str
    kind: str  # retainer | project | unbilled
    paid_on: date | None = None
    paid_amount: int | None = None


def settle(rng: random.Random, window: Window, invoice: Invoice) -> None:
    """When (and how much) the client paid, as of the end of the window."""
    client = invoice.client
    if invoice.kind == "unbilled":
        return
    if client.payment == "prompt":
        paid = invoice.issued_on + timedelta(days=rng.randint(5, 14))
    else:
        paid = invoice.due_on + timedelta(days=rng.randint(6, 38))
    partial = False
    if client.payment == "stalls" and invoice.kind == "retainer":
        stall = window.before_end(GLOBEX_STALLS)
        if month_of(invoice.issued_on) >= stall:
            return
        if month_of(invoice.issued_on) == stall.shift(-1):
            paid, partial = invoice.due_on + timedelta(days=21), True
    if paid > window.end:
        return
    invoice.paid_on = paid
    invoice.paid_amount = invoice.amount // 2 if partial else invoice.amount


def agency_invoices(window: Window, rng: random.Random) -> list[Invoice]:
    invoices: list[Invoice] = []
    # The one invoice from before the window: paid on its first day (the entity's first line).
    northwind = AGENCY_CLIENTS[1]
    prior = window.months[0].shift(-1)
    invoices.append(
        Invoice(
            "",
            northwind,
            prior.first,
            prior.day(1 + RETAINER_TERMS_DAYS),
            cents(northwind.retainer),
            f"{northwind.retainer_hours:.1f}",
            "retainer",
            window.start,
            cents(northwind.retainer),
        )
    )
    for month in window.months:
        before_end = -window.index(month)
        for client in AGENCY_CLIENTS:
            if cents(client.retainer) and before_end <= client.since:
                hours = client.retainer_hours * rng.uniform(0.85, 1.25)
                billed = min(hours, client.retainer_hours)
                issued = month.first
                invoices.append(
                    Invoice(
                        "",
                        client,
                        issued,
                        issued + timedelta(days=RETAINER_TERMS_DAYS),
                        cents(client.retainer),
                        f"{billed:.1f}",
                        "retainer",
                    )
                )
                if client.code == "NW" and hours - billed >= 3:  # scope creep, never billed
                    invoices.append(
                        Invoice(
                            f"DC-UNB-{month.label}-{client.code}",
                            client,
                            month.last,
                            month.last,
                            0,
                            f"{hours - billed:.1f}",
                            "unbilled",
                        )
                    )
    clients = {c.code: c for c in AGENCY_CLIENTS}
    for code, months_before, amount, day in PROJECT_MILESTONES:
        issued = window.before_end(months_before).day(day)
        if not window.contains(issued):  # a shorter window starts after the earliest projects
            continue
        worked = (
            Decimal(cents(amount))
            / cents(BLENDED_RATE)
            * Decimal(str(round(rng.uniform(0.9, 1.3), 2)))
        )
        invoices.append(
            Invoice(
                "",
                clients[code],
                issued,
                issued + timedelta(days=PROJECT_TERMS_DAYS),
                cents(amount),
                f"{worked:.1f}",
                "project",
            )
        )
    # Work in progress at the end: hours logged on the running project, not billed yet.
    invoices.append(
        Invoice(
            f"DC-UNB-{window.end_month.label}-SB",
            clients["SB"],
            window.end,
            window.end,
            0,
            "26.5",
            "unbilled",
        )
    )
    invoices.sort(key=lambda inv: (inv.issued_on, inv.kind == "unbilled", inv.client.code))
    year_count: dict[int, int] = defaultdict(int)
    for invoice in invoices:
        settle(rng, window, invoice)
        if not invoice.invoice_id:
            year_count[invoice.issued_on.year] += 1
            invoice.invoice_id = (
                f"DC-{invoice.issued_on.year}-{year_count[invoice.issued_on.year]:03d}"
            )
    # The pre-window invoice is paid on the first day, whatever settle() says.
    invoices[0].paid_on, invoices[0].paid_amount = window.start, invoices[0].amount
    return invoices


def agency(window: Window, rng: random.Random) -> dict[str, tuple]:
    ledger = Ledger(window, "DC")
    invoices = agency_invoices(window, rng)
    for inv in invoices:
        if inv.paid_on is not None and inv.paid_amount:
            account = "4200" if inv.kind == "retainer" else "4300"
            ledger.add(
                inv.paid_on, account, inv.paid_amount, f"Payment {inv.invoice_id}", inv.client.name
            )

    project_hours: dict[Month, float] = defaultdict(float)
    for inv in invoices:
        if inv.kind == "project":
            project_hours[month_of(inv.issued_on)] += float(inv.hours)
    for month in window.months:
        before_end = -window.index(month)
        staff_pay = STAFF_PAY_RUN if before_end > STAFF_RAISE[0] else STAFF_RAISE[1]
        for pay_day in (month.day(15), month.last):
            ledger.pay(
                pay_day,
                "6400",
                cents(staff_pay),
                "Payroll run (2 staff)",
                "Example Payroll Services",
            )
        for name, rate in CONTRACTORS:
            quarter_hours = round((rng.uniform(12, 30) + project_hours[month.shift(-1)] * 0.35) * 4)
            amount = cents(rate) * quarter_hours // 4
            if amount % 10000 == 0:  # a round amount is a finding: planted elsewhere, not here
                amount += cents(rate) // 4
            ledger.pay(
                month.day(5),
                "5400",
                amount,
                f"Contract hours {month.shift(-1).label}",
                name,
            )
        ledger.pay(
            month.day(1), "6050", cents("1150.00"), "Coworking desks", "Harbor Example Coworking"
        )
        ledger.pay(
            month.day(3),
            "6100",
            cents("212.50"),
            "E&O and general liability",
            "Seaworthy Example Insurance",
        )
        ledger.pay(
            month.day(rng.randint(8, 24)),
            "6300",
            between(rng, "240.00", "610.00"),
            "LinkedIn campaign",
            "LinkedIn Ads",
        )
        if rng.random() < 0.45:
            ledger.pay(
                month.day(rng.randint(5, 25)),
                "6450",
                between(rng, "38.00", "265.00"),
                "Client lunch",
                "Little Italy Example Trattoria",
            )
        if month.month in (1, 4, 7, 10):
            ledger.pay(
                month.day(22),
                "6800",
                cents("1250.00"),
                "Quarterly accounting",
                "Ledgerly Example Bookkeeping",
            )
        ledger.pay(month.day(27), "3100", cents(AGENCY_OWNER_DRAW), "Owner draw", "Owner")
    bill_subscriptions(ledger, rng, AGENCY_STACK)
    laptops = resolve_day(window, AGENCY_ASSETS[1].acquired_on)
    ledger.pay(
        laptops, "1600", cents(AGENCY_ASSETS[1].cost), "Laptops (4)", "Example Computer Store"
    )

    # Deliberate findings: a duplicate charge, weekend spending and a one-off round amount.
    figma = next(s for s in AGENCY_STACK if s.provider == "Figma")
    m1 = window.before_end(1)
    billed_on = weekday_near(m1.day(figma.bill_day), window.end)
    duplicate_on = next(
        billed_on + timedelta(days=gap)
        for gap in (2, 1, 3)
        if (billed_on + timedelta(days=gap)).weekday() < 5
    )
    ledger.add(
        duplicate_on,
        "6200",
        -cents(figma.monthly_cost),
        f"{figma.component} subscription",
        figma.provider,
    )
    saturday = next_weekday(window.before_end(2).day(12), 5)
    ledger.add(saturday, "6450", -cents("612.40"), "Team dinner", "Gaslamp Example Steakhouse")
    ledger.pay(
        window.before_end(7).day(16),
        "6800",
        cents("2500.00"),
        "Positioning workshop",
        "Brightline Example Strategy",
    )
    ledger.bank_charges(rng)
    invoice_rows = [
        (
            inv.invoice_id,
            inv.client.name,
            inv.issued_on.isoformat(),
            inv.due_on.isoformat(),
            money(inv.amount),
            inv.paid_on.isoformat() if inv.paid_on else "",
            money(inv.paid_amount) if inv.paid_amount is not None else "",
            inv.hours,
        )
        for inv in invoices
    ]
    return {
        "ledger": (LEDGER_HEADER, ledger.rows()),
        "invoices": (INVOICES_HEADER, invoice_rows),
        "assets": (ASSETS_HEADER, asset_rows(window, AGENCY_ASSETS)),
        "stack": (STACK_HEADER, stack_rows(window, AGENCY_STACK)),
    }


# -- rental ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lease:
    unit: str
    tenant: str
    email: str
    rent: str
    first: int  # months before the end month the lease starts (ALWAYS: before the window)
    last: int  # months before the end month of its last month (-1: still running)
    pays_on: tuple[int, int]  # day of the month the rent arrives (range)
    renewal: tuple[int, str] | None = None  # (months before end, new rent)


# fmt: off
LEASES = (  # unit B is vacant in M-15 and M-14
    Lease("A", "Avery Example", "avery.example@example.com", "2695.00", ALWAYS, -1, (1, 1),
          renewal=(10, "2790.00")),
    Lease("B", "Jordan Sample", "jordan.sample@example.com", "2150.00", ALWAYS, 16, (1, 5)),
    Lease("B", "Riley Placeholder", "riley.placeholder@example.com", "2345.00", 13, -1, (2, 6)),
)
# fmt: on
MORTGAGE = Loan("448600.00", "0.06125", "2941.37")
PROPERTY_TAX_INSTALLMENT = "3412.58"  # due December 10 and April 10
RENTAL_INSURANCE = ("1684.00", "1771.00")  # annual premium paid in March: first, later years
RENTAL_OWNER_DRAW = "600.00"
RENTAL_RESCUE = (13, "6000.00")  # owner contribution after cash went negative
RENTAL_UNIT_TAX = "126.52"  # the city's yearly tax on rental units, new in the end month
# fmt: off
RENTAL_STACK = (
    Subscription("tenant-ledger", "Google Workspace", "saas", "7.20", 8, backups=False),
    Subscription("rent-collection", "Stripe", "saas", "0.00", 1),
    Subscription("listing-site", "Squarespace", "website", "23.00", 5,
                 tls_days=188, deploy_days_ago=30, deps_days_ago=75),
)
RENTAL_ASSETS = (
    Asset("R3028-P1", "3028 51st St (duplex, land and building)", "property", "2018-06-22",
          "612000.00", 0),
    Asset("R3028-E1", "Appliances, both units", "equipment", "2021-08-03", "7420.00", 10),
    Asset("R3028-E2", "Water heater, unit B", "equipment", "M-15:19", "1912.66", 12),
)
# fmt: on


def rental(window: Window, rng: random.Random) -> dict[str, tuple]:
    ledger = Ledger(window, "R3028")
    bookings: list[Booking] = []
    months = list(window.months) + [window.end_month.shift(1)]
    for lease in LEASES:
        for month in months:
            before_end = -window.index(month)
            if not (lease.last <= before_end <= lease.first):
                continue
            rent = lease.rent
            if lease.renewal and before_end <= lease.renewal[0]:
                rent = lease.renewal[1]
            paid: date | None = month.day(rng.randint(*lease.pays_on))
            if month == window.before_end(6) and lease.unit == "B":
                paid = month.day(14)  # a late month
            if month > window.end_month:  # tenant A pays next month's rent early
                paid = window.end - timedelta(days=3) if lease.unit == "A" else None
            booking = Booking(
                "lease", month.first - timedelta(days=7), month.first, cents(rent), paid
            )
            booking.booking_id = f"R3028-{lease.unit}-{month.label}"
            bookings.append(booking)
            if paid is not None:
                ledger.add(
                    paid,
                    "4400",
                    booking.amount,
                    f"Rent {booking.booking_id}, Zelle from {lease.email}",
                    lease.tenant,
                )
    bookings.sort(key=lambda b: (b.service_date, b.booking_id))

    pay_loan(
        ledger, MORTGAGE, window.months, 1, "Pacific Example Home Loans", "6500", "2100", "Mortgage"
    )
    premiums_paid = 0
    for month in window.months:
        if month.month in (12, 4):
            ledger.pay(
                month.day(10),
                "6600",
                cents(PROPERTY_TAX_INSTALLMENT),
                "Property tax installment",
                "Example County Tax Collector",
            )
        if month.month == 3:
            premium = RENTAL_INSURANCE[min(premiums_paid, 1)]
            premiums_paid += 1
            ledger.pay(
                month.day(3),
                "6100",
                cents(premium),
                "Landlord policy, annual",
                "Seaworthy Example Insurance",
            )
        ledger.pay(
            month.day(18),
            "6850",
            between(rng, "41.00", "56.00"),
            "Trash service",
            "Example Waste Services",
        )
        if month.month % 2 == 0:
            ledger.pay(
                month.day(22),
                "6850",
                between(rng, "168.00", "264.00"),
                "Water and sewer",
                "Example Public Utilities",
            )
        if rng.random() < 0.4:
            ledger.pay(
                month.day(rng.randint(4, 25)),
                "6700",
                between(rng, "95.00", "480.00"),
                "Repair call",
                "Handy Example Home Services",
            )
        if -window.index(month) > RENTAL_RESCUE[0]:
            ledger.pay(month.day(25), "3100", cents(RENTAL_OWNER_DRAW), "Owner draw", "Owner")
    # Unit B turnover: repainting and flooring in the vacant months, a new water heater.
    m15, m14 = window.before_end(15), window.before_end(14)
    ledger.pay(
        m15.day(9), "6700", cents("2385.40"), "Unit B repaint", "Fresh Coat Example Painters"
    )
    ledger.pay(m14.day(6), "6700", cents("3140.75"), "Unit B flooring", "Example Flooring Outlet")
    heater = resolve_day(window, RENTAL_ASSETS[2].acquired_on)
    ledger.pay(
        heater,
        "1600",
        cents(RENTAL_ASSETS[2].cost),
        "Water heater, unit B",
        "Handy Example Home Services",
    )
    ledger.add(
        weekday_near(window.before_end(RENTAL_RESCUE[0]).day(8), window.end),
        "3000",
        cents(RENTAL_RESCUE[1]),
        "Owner contribution to cover the overdraft",
        "Owner",
    )
    # Deliberate finding: a payee new in the end month, which the bank statements' mapping rules
    # do not know yet: the line stays uncategorized until the owner adds a rule.
    ledger.pay(
        window.end_month.day(14),
        UNMAPPED_ACCOUNT,
        cents(RENTAL_UNIT_TAX),
        f"Rental unit business tax {window.end_month.year}",
        "City of Example Treasurer",
    )
    bill_subscriptions(ledger, rng, RENTAL_STACK)
    ledger.bank_charges(rng)
    return {
        "ledger": (LEDGER_HEADER, ledger.rows()),
        "bookings": (BOOKINGS_HEADER, booking_rows(bookings)),
        "assets": (ASSETS_HEADER, asset_rows(window, RENTAL_ASSETS)),
        "stack": (STACK_HEADER, stack_rows(window, RENTAL_STACK)),
    }


# -- logistics ------------------------------------------------------------------------------------

# (route, nautical miles, weight): short coastal hops are common, long passages rare.
DELIVERY_ROUTES = (
    ("Ensenada to San Diego", "62", 14),
    ("San Diego to Newport Beach", "68", 18),
    ("San Diego to Marina del Rey", "105", 14),
    ("San Diego to Santa Barbara", "195", 10),
    ("San Diego to San Francisco", "455", 8),
    ("San Diego to Cabo San Lucas", "752", 8),
    ("Cabo San Lucas to San Diego", "752", 6),
    ("San Diego to Puerto Vallarta", "1105", 3),
    ("Seattle to San Diego", "1130", 3),
)
# fmt: off
DELIVERY_SEASON = dict(zip(range(1, 13),
                           (0.6, 0.6, 0.9, 1.4, 1.5, 1.0, 0.8, 0.8, 0.9, 1.3, 1.6, 0.8),
                           strict=True))
# fmt: on
TRIPS_PER_MONTH = 2.6
DELIVERY_BASE_FEE = "1450.00"
RATE_PER_NM = {"sail": "13.50", "power": "21.50"}
GALLONS_PER_NM = {"sail": "0.35", "power": "1.45"}
FUEL_PRICE = ("5.20", "6.10")  # per gallon
NM_PER_DAY = 140
CREW_DAY_RATE = "350.00"
CREW_TRAVEL = ("90.00", "640.00")  # getting the crew home
MARINA_NIGHT = ("95.00", "185.00")
DELIVERY_CHANNELS: tuple[tuple[str, int], ...] = (
    ("direct", 40),
    ("broker", 30),
    ("referral", 20),
    ("website", 10),
)
WEATHER_DELAY_DAYS = 5  # the trip that loses money
DELIVERY_OWNER_DRAW = "2000.00"
# fmt: off
LOGISTICS_STACK = (
    Subscription("quote-calculator", "Vercel", "app", "20.00", 2,
                 tls_days=112, deploy_days_ago=12, deps_days_ago=44),
    Subscription("trip-tracker", "Fly.io", "app", "31.00", 7,
                 tls_days=77, deploy_days_ago=26, deps_days_ago=61, monitoring=False),
    Subscription("google-workspace", "Google Workspace", "saas", "14.40", 8),
    Subscription("quickbooks", "QuickBooks Online", "saas", "38.00", 12),
    Subscription("satellite-messaging", "Example Sat Comms", "saas", "64.99", 16),
)
LOGISTICS_ASSETS = (
    Asset("EYD-E1", "Offshore life raft (6 person)", "equipment", "M-19:14", "4385.20", 10),
    Asset("EYD-E2", "Satellite communicator and EPIRB", "equipment", "2022-10-03", "2240.00", 6),
    Asset("EYD-E3", "Delivery kit: tools, spares, jacklines", "equipment", "2021-05-11",
          "3150.00", 5),
    Asset("EYD-D1", "expert-yacht-delivery.example.com", "domain", "2021-04-02", "12.00", 0),
)
# fmt: on


@dataclass
class Trip:
    booking: Booking
    route: str
    boat: str  # sail | power
    delay_days: int = 0  # days lost to weather


def delivery_trips(window: Window, rng: random.Random) -> list[Trip]:
    trips = []
    channels, channel_weights = zip(*DELIVERY_CHANNELS, strict=True)
    for month in list(window.months) + [window.end_month.shift(1)]:
        for _ in range(seasonal_count(rng, TRIPS_PER_MONTH, DELIVERY_SEASON[month.month])):
            route = rng.choices(DELIVERY_ROUTES, weights=[r[2] for r in DELIVERY_ROUTES])[0]
            boat = "power" if rng.random() < 0.35 else "sail"
            departs = month.day(rng.randint(1, month.last.day))
            booked = max(window.start, departs - timedelta(days=rng.randint(6, 45)))
            if booked > window.end:
                continue
            channel = rng.choices(channels, weights=channel_weights)[0]
            booking = Booking(channel, booked, departs, 0, None, quantity=f"{route[1]}.0")
            trips.append(Trip(booking, route[0], boat))
    # The entity's first line: a short trip booked and prepaid on the first day.
    start = window.start
    first = Booking("referral", start, start + timedelta(days=8), 0, None, quantity="68.0")
    trips.append(Trip(first, "San Diego to Newport Beach", "sail"))
    # A long passage that ran into weather, and lost money.
    delayed = window.before_end(6).day(9)
    late = Booking("broker", delayed - timedelta(days=20), delayed, 0, None, quantity="752.0")
    trips.append(Trip(late, "Cabo San Lucas to San Diego", "power", WEATHER_DELAY_DAYS))
    number_bookings([trip.booking for trip in trips], "EYD-")
    return sorted(trips, key=lambda trip: trip.booking.booking_id)


def logistics(window: Window, rng: random.Random) -> dict[str, tuple]:
    ledger = Ledger(window, "EYD")
    trips = delivery_trips(window, rng)
    for trip in trips:
        booking, route, boat, extra_days = trip.booking, trip.route, trip.boat, trip.delay_days
        miles = Decimal(booking.quantity)
        fee = cents(DELIVERY_BASE_FEE) + scaled(cents(RATE_PER_NM[boat]), miles)
        booking.amount = whole_dollars(fee)
        booking.product = route
        arrives = booking.service_date + timedelta(days=math.ceil(miles / NM_PER_DAY) + extra_days)
        if booking.booked_on == window.start or rng.random() < 0.3:
            booking.paid_on = booking.booked_on  # prepaid
        elif arrives + timedelta(days=18) <= window.end or rng.random() < 0.5:
            booking.paid_on = arrives + timedelta(days=rng.randint(3, 18))
        if booking.paid_on is not None and booking.paid_on > window.end:
            booking.paid_on = None
        booking.payer = f"{person(rng)} ({rng.randint(32, 58)} ft {boat}boat)"
        if booking.paid_on is not None:
            ledger.add(
                booking.paid_on,
                "4500",
                booking.amount,
                f"Delivery {booking.booking_id}: {route}",
                booking.payer,
            )
        # Trip costs, each naming the trip.
        days = (arrives - booking.service_date).days
        crew = 3 if miles > 600 else 2
        gallons = miles * Decimal(GALLONS_PER_NM[boat]) * (Decimal(100 + 12 * extra_days) / 100)
        fuel = scaled(between(rng, *FUEL_PRICE), gallons)
        tag = f"trip {booking.booking_id}"
        ledger.pay(
            booking.service_date, "5000", fuel, f"Fuel, {tag} ({route})", "Example Fuel Docks"
        )
        ledger.pay(
            arrives + timedelta(days=1),
            "5200",
            days * crew * cents(CREW_DAY_RATE) + crew * between(rng, *CREW_TRAVEL),
            f"Crew ({crew}) and travel home, {tag}",
            "Bluewater Example Crew Co",
        )
        if miles > 150:
            nights = max(1, days // 3)
            ledger.pay(
                booking.service_date + timedelta(days=days // 2),
                "5600",
                nights * between(rng, *MARINA_NIGHT),
                f"Marina fees, {tag}",
                "Example Marinas en route",
            )

    for month in window.months:
        ledger.pay(
            month.day(3),
            "6100",
            cents("645.00"),
            "Delivery skipper liability insurance",
            "Seaworthy Example Insurance",
        )
        ledger.pay(
            month.day(rng.randint(6, 24)),
            "6300",
            between(rng, "120.00", "340.00"),
            "Sailing forum ads",
            "Example Sailing Forums",
        )
        if month.month in (1, 4, 7, 10):
            ledger.pay(
                month.day(20),
                "6800",
                cents("380.00"),
                "Quarterly bookkeeping",
                "Ledgerly Example Bookkeeping",
            )
        ledger.pay(month.day(26), "3100", cents(DELIVERY_OWNER_DRAW), "Owner draw", "Owner")
    raft = resolve_day(window, LOGISTICS_ASSETS[0].acquired_on)
    ledger.pay(
        raft, "1600", cents(LOGISTICS_ASSETS[0].cost), "Offshore life raft", "Example Chandlery"
    )
    bill_subscriptions(ledger, rng, LOGISTICS_STACK)
    ledger.bank_charges(rng)
    return {
        "ledger": (LEDGER_HEADER, ledger.rows()),
        "bookings": (
            BOOKINGS_HEADER + ("quantity",),
            booking_rows([trip.booking for trip in trips], quantity=True),
        ),
        "assets": (ASSETS_HEADER, asset_rows(window, LOGISTICS_ASSETS)),
        "stack": (STACK_HEADER, stack_rows(window, LOGISTICS_STACK)),
    }


# -- bank statements ------------------------------------------------------------------------------


def ledger_moves(ledger_rows: list[tuple[str, ...]]) -> list[tuple[date, int]]:
    date_at, amount_at = LEDGER_HEADER.index("date"), LEDGER_HEADER.index("amount")
    return [(date.fromisoformat(row[date_at]), cents(row[amount_at])) for row in ledger_rows]


def balance_rows(
    window: Window, moves: Iterable[tuple[date, int]], opening_cash: str
) -> list[tuple[str, ...]]:
    """The closing balance on the last day of every month of the window: the opening cash plus
    every movement of the entity's money dated on or before it (its bank's ledger lines, and
    what went through its Stripe balance)."""
    moved: dict[Month, int] = defaultdict(int)
    for day, amount in moves:
        moved[month_of(day)] += amount
    balance = cents(opening_cash)
    rows: list[tuple[str, ...]] = []
    for month in window.months:
        balance += moved[month]
        rows.append((month.last.isoformat(), money(balance)))
    return rows


# -- a bank's OFX statements ---------------------------------------------------------------------

# Entities whose bank gives them monthly OFX statements instead of a ledger.csv: the bank's
# account id. Their account codes come from their mapping rules (RULES).
OFX_ACCOUNTS: dict[str, str] = {"rental_3028_51st_st": "3028510001"}
OFX_BANK_ID = "123456780"  # a made-up routing number
OFX_HEADER = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE
"""
# The rules that give the statements' lines the account codes the rental's ledger had, in the
# order an owner would write them (docs/importing.md). The new payee of the end month has none.
RULES: dict[str, str] = {
    "rental_3028_51st_st": """\
# Account mapping rules of the rental's bank statements (bank/*.ofx), docs/importing.md: each line
# gets the account of the first rule whose pattern (a regular expression, case-insensitive)
# matches its description or counterparty. A line no rule matches gets the uncategorized account
# 6999 and is listed in the Accounting report: add a rule for it here.
rules:
  - match: ^rent R3028-
    field: description
    account: "4400"
  - match: "^mortgage: interest"
    account: "6500"
  - match: "^mortgage: principal"
    account: "2100"
  - match: property tax
    account: "6600"
  - match: landlord policy
    account: "6100"
  - match: ^(example waste services|example public utilities)$
    field: counterparty
    account: "6850"
  - match: repair call|repaint|flooring
    account: "6700"
  - match: water heater
    account: "1600"
  - match: owner draw
    account: "3100"
  - match: owner contribution
    account: "3000"
  - match: subscription$
    field: description
    account: "6200"
  - match: monthly account fee
    account: "6900"
  - match: interest earned
    account: "4900"
""",
}


def ofx_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ofx_statements(
    window: Window, ledger_rows: list[tuple[str, ...]], opening_cash: str, account_id: str
) -> dict[Month, tuple[int, str]]:
    """The bank's statement of every month (SGML, OFX version 1) holding the month's ledger lines,
    with the month's last day as its end and its closing balance as LEDGERBAL: the number of
    transactions and the text of each."""
    date_at, amount_at = LEDGER_HEADER.index("date"), LEDGER_HEADER.index("amount")
    text_at, party_at = LEDGER_HEADER.index("description"), LEDGER_HEADER.index("counterparty")
    by_month: dict[Month, list[tuple[str, ...]]] = defaultdict(list)
    for row in ledger_rows:
        by_month[month_of(date.fromisoformat(row[date_at]))].append(row)
    balance = cents(opening_cash)
    statements: dict[Month, tuple[int, str]] = {}
    for month in window.months:
        lines = [
            OFX_HEADER,
            "<OFX>",
            "<SIGNONMSGSRSV1>",
            "<SONRS>",
            "<STATUS>",
            "<CODE>0",
            "<SEVERITY>INFO",
            "</STATUS>",
            f"<DTSERVER>{month.last + timedelta(days=1):%Y%m%d}080000",
            "<LANGUAGE>ENG",
            "</SONRS>",
            "</SIGNONMSGSRSV1>",
            "<BANKMSGSRSV1>",
            "<STMTTRNRS>",
            "<TRNUID>1",
            "<STATUS>",
            "<CODE>0",
            "<SEVERITY>INFO",
            "</STATUS>",
            "<STMTRS>",
            "<CURDEF>USD",
            "<BANKACCTFROM>",
            f"<BANKID>{OFX_BANK_ID}",
            f"<ACCTID>{account_id}",
            "<ACCTTYPE>CHECKING",
            "</BANKACCTFROM>",
            "<BANKTRANLIST>",
            f"<DTSTART>{month.first:%Y%m%d}",
            f"<DTEND>{month.last:%Y%m%d}",
        ]
        on_day: dict[str, int] = defaultdict(int)
        for row in by_month[month]:
            amount = cents(row[amount_at])
            balance += amount
            day = date.fromisoformat(row[date_at])
            on_day[row[date_at]] += 1
            lines += [
                "<STMTTRN>",
                f"<TRNTYPE>{'CREDIT' if amount > 0 else 'DEBIT'}",
                f"<DTPOSTED>{day:%Y%m%d}",
                f"<TRNAMT>{money(amount)}",
                f"<FITID>{day:%Y%m%d}{on_day[row[date_at]]:03d}",
                f"<NAME>{ofx_text(row[party_at])}",
                f"<MEMO>{ofx_text(row[text_at])}",
                "</STMTTRN>",
            ]
        lines += [
            "</BANKTRANLIST>",
            "<LEDGERBAL>",
            f"<BALAMT>{money(balance)}",
            f"<DTASOF>{month.last:%Y%m%d}",
            "</LEDGERBAL>",
            "</STMTRS>",
            "</STMTTRNRS>",
            "</BANKMSGSRSV1>",
            "</OFX>",
        ]
        statements[month] = (len(by_month[month]), "\n".join(lines) + "\n")
    return statements


# -- writing --------------------------------------------------------------------------------------


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def write_text(path: Path, text: str, count: int) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("ascii"))
    return count


# The owner's budget for the end month's year (budget.csv), for two businesses: (entity, month
# of that year or None for the whole year, metric, account code, amount). Queen of San Diego plans
# 9% more charter revenue than last year as one annual target, spread by last year's seasons
# (its October budget is well above a quiet October's revenue); Quick Dump Now budgets its
# revenue and dump fees for the year and its fuel month by month.
BUDGET_LINES: tuple[tuple[str, int | None, str, str, str], ...] = (
    ("queen_of_san_diego", None, "revenue", "", "240000.00"),
    ("queen_of_san_diego", None, "opex", "", "200000.00"),
    ("quick_dump_now", None, "revenue", "", "270000.00"),
    ("quick_dump_now", None, "", "5100", "66000.00"),
    *(("quick_dump_now", month, "", "5000", "1600.00") for month in range(1, 13)),
)


def budget_rows(window: Window) -> list[tuple[str, ...]]:
    year = window.end_month.year
    return [
        (entity, f"{year}-{month:02d}" if month else str(year), metric, account, amount)
        for entity, month, metric, account, amount in BUDGET_LINES
    ]


def window_for(end_month: str, months: int) -> Window:
    if months < MIN_MONTHS:
        raise ValueError(f"months must be at least {MIN_MONTHS}, got {months}")
    end = Month.parse(end_month)
    return Window(tuple(end.shift(n) for n in range(-(months - 1), 1)))


def generate(
    data_dir: Path,
    end_month: str = DEFAULT_END_MONTH,
    months: int = DEFAULT_MONTHS,
    seed: int = DEFAULT_SEED,
) -> dict:
    """Write the demo portfolio into data_dir and return what was written.

    The ledgers run from the first day of the month `months - 1` before `end_month` to the last
    day of `end_month` (at least MIN_MONTHS months). Only the demo's own files are (over)written;
    anything else in data_dir is left alone. Returns the entities, opening cash and the number
    of data rows of each file written (relative to data_dir)."""
    data_dir = Path(data_dir)
    window = window_for(end_month, months)
    stripe = {
        spec.entity_id: StripeAccount(
            window, spec.prefix, random.Random(f"{seed}:{spec.entity_id}:stripe")
        )
        for spec in (JADA, QUEEN)
        if spec.stripe
    }
    builders = {
        JADA.entity_id: lambda rng: charter(window, JADA, rng, stripe.get(JADA.entity_id)),
        QUEEN.entity_id: lambda rng: charter(window, QUEEN, rng, stripe.get(QUEEN.entity_id)),
        "quick_dump_now": lambda rng: hauling(window, rng),
        "dangerous_centaur": lambda rng: agency(window, rng),
        "rental_3028_51st_st": lambda rng: rental(window, rng),
        "expert_yacht_delivery": lambda rng: logistics(window, rng),
    }
    files: dict[str, int] = {}
    files["chart_of_accounts.csv"] = write_csv(
        data_dir / "chart_of_accounts.csv", CHART_HEADER, list(CHART_OF_ACCOUNTS)
    )
    files["budget.csv"] = write_csv(data_dir / "budget.csv", BUDGET_HEADER, budget_rows(window))
    for entity_id, _, _ in ENTITIES:
        # Each entity draws from its own stream, so changing one leaves the others as they were.
        rng = random.Random(f"{seed}:{entity_id}")
        tables = builders[entity_id](rng)
        ledger_rows = tables["ledger"][1]
        moves = ledger_moves(ledger_rows)
        if entity_id in stripe:
            moves += stripe[entity_id].cash_moves()
            for month, export in stripe[entity_id].exports().items():
                name = f"{entity_id}/stripe/balance-{month.label}.csv"
                files[name] = write_csv(data_dir / name, STRIPE_HEADER, export)
        tables["balances"] = (BALANCES_HEADER, balance_rows(window, moves, OPENING_CASH[entity_id]))
        if entity_id in OFX_ACCOUNTS:
            del tables["ledger"]
            statements = ofx_statements(
                window, ledger_rows, OPENING_CASH[entity_id], OFX_ACCOUNTS[entity_id]
            )
            for month, (transactions, text) in statements.items():
                name = f"{entity_id}/bank/{month.label}.ofx"
                files[name] = write_text(data_dir / name, text, transactions)
        if entity_id in RULES:
            name = f"{entity_id}/rules.yaml"
            files[name] = write_text(
                data_dir / name, RULES[entity_id], RULES[entity_id].count("\n  - match:")
            )
        for table, (header, rows) in tables.items():
            name = f"{entity_id}/{table}.csv"
            files[name] = write_csv(data_dir / name, header, rows)
    return {
        "data_dir": str(data_dir),
        "first_month": window.months[0].label,
        "end_month": window.end_month.label,
        "seed": seed,
        "entities": [entity_id for entity_id, _, _ in ENTITIES],
        "opening_cash": dict(OPENING_CASH),
        "files": files,
    }
