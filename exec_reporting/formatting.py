"""How figures are written in reports: money in the configured currency, months, ratios, dates.

Rounding happens here, once, at presentation; the JSON of a report holds the same
rounded values as the page (see `rounded`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_compact_currency, format_currency, format_decimal, format_percent

NOT_AVAILABLE = "n/a"
# A figure as the metric store and the reports hold it (money is Decimal).
Number = Decimal | int | float


def _dec(value: Number | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float) and value != value:  # NaN
        return None
    return Decimal(str(value))


def rounded(value: Number | None, places: int = 2) -> Decimal | None:
    """Round half up to `places` decimals: the one rounding rule of every report."""
    number = _dec(value)
    if number is None:
        return None
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class Formatter:
    """Formats figures for one configuration's currency and locale."""

    def __init__(self, currency: str, locale: str = "en_US"):
        self.currency = currency
        self.locale = locale

    def money(self, value: Number | None) -> str:
        """Money to the cent, in the configured currency and locale: -$1,234.50."""
        number = rounded(value, 2)
        if number is None:
            return NOT_AVAILABLE
        return format_currency(number, self.currency, locale=self.locale, currency_digits=False)

    def money_whole(self, value: Number | None) -> str:
        """Money to the whole unit, in the locale's own pattern: $1,235 or 1.235 €."""
        number = rounded(value, 0)
        if number is None:
            return NOT_AVAILABLE
        number = abs(number) if number == 0 else number  # never "-$0"
        pattern = Locale.parse(self.locale).currency_formats["standard"].pattern
        pattern = re.sub(r"\.0+", "", pattern.split(";")[0])
        return format_currency(
            number, self.currency, format=pattern, locale=self.locale, currency_digits=False
        )

    def money_compact(self, value: Number | None) -> str:
        """$4.2K (or $861.96 below a thousand): for sentences and charts, never for tables."""
        number = rounded(value, 2)
        if number is None:
            return NOT_AVAILABLE
        if abs(number) < 1000:
            return self.money(number)
        # babel rounds half to even: round half up here, to the digit the compact form shows
        step = (
            Decimal(100)
            if abs(number) < 10**6
            else Decimal(10**5)
            if abs(number) < 10**9
            else Decimal(10**8)
        )
        number = (number / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        return format_compact_currency(number, self.currency, locale=self.locale, fraction_digits=1)

    def number(self, value: Number | None, places: int = 1) -> str:
        number = rounded(value, places)
        if number is None:
            return NOT_AVAILABLE
        return format_decimal(
            number, format=f"#,##0.{'0' * places}" if places else "#,##0", locale=self.locale
        )

    def months(self, value: Number | None) -> str:
        number = rounded(value, 1)
        if number is None:
            return NOT_AVAILABLE
        return f"{self.number(number, 1)} mo"

    def percent(self, value: Number | None, places: int = 1) -> str:
        number = rounded(value, places + 2)
        if number is None:
            return NOT_AVAILABLE
        return format_percent(number, format=f"#,##0.{'0' * places}%", locale=self.locale)

    def points(self, value: Number) -> str:
        """A change or gap in a ratio, in percentage points: 0.083 -> "8.3 pts"."""
        return f"{self.number(value * 100, 1)} pts"

    def date(self, value: dt.date | None) -> str:
        if value is None:
            return NOT_AVAILABLE
        return format_date(value, format="medium", locale=self.locale)

    def month(self, value: dt.date | None) -> str:
        if value is None:
            return NOT_AVAILABLE
        return format_date(value, format="MMMM y", locale=self.locale)
