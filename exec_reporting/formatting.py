"""How figures are written in reports: money in the configured currency, months, ratios, dates.

Rounding happens here, once, at presentation; the JSON of a report holds the same
rounded values as the page (see `rounded`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent, parse_pattern

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
        """Money in one compact shape, for summaries and chart labels (decision 39): one decimal
        and the locale's suffix from a thousand ($3.5K, $8.0K, $1.3M), whole units from ten ($862),
        cents below ($4.50): two or three significant digits, never more.
        Tables, headlines and actions write money exactly (`money`)."""
        number = rounded(value, 2)
        if number is None:
            return NOT_AVAILABLE
        if 0 < abs(number) < 10:
            return self.money(number)  # "$0.45", not "$0"
        if abs(number) < Decimal("999.5"):  # under a thousand once rounded to the unit
            return self.money_whole(number)
        locale = Locale.parse(self.locale)
        short: dict[str, Any] = locale.compact_currency_formats["short"]
        magnitudes = sorted((int(m) for m in short["other"]), reverse=True)
        for index, magnitude in enumerate(magnitudes):
            if abs(number) < magnitude and index + 1 < len(magnitudes):
                continue
            pattern = short["other"][str(magnitude)]
            if pattern.pattern.strip("¤\xa0 ") == "0":
                break  # the locale writes this magnitude in full (de_DE: 8.000 €)
            divisor = magnitude // 10 ** (pattern.pattern.count("0") - 1)
            # half up to the one decimal shown (babel alone rounds half to even)
            scaled = rounded(number / divisor, 1)
            assert scaled is not None
            if index and abs(scaled) * divisor >= magnitudes[index - 1]:
                return self.money_compact(Decimal(magnitudes[index - 1]).copy_sign(number))
            plural = locale.plural_form(abs(scaled))
            pattern = short.get(plural, short["other"]).get(str(magnitude), pattern)
            shape = parse_pattern(pattern.pattern)
            shape.frac_prec = (1, 1)  # always one decimal: $8.0K beside $3.5K, never $8K
            return shape.apply(scaled, locale, currency=self.currency, currency_digits=False)
        return self.money_whole(number)

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

    def month_short(self, value: dt.date) -> str:
        """The month as a subject names it: Oct 2026."""
        return format_date(value, format="MMM y", locale=self.locale)

    def change_percent(self, value: Number) -> str:
        """A relative change in whole percent with its sign, as a subject writes it: -12 %, +3 %."""
        number = rounded(Decimal(str(value)) * 100, 0)
        assert number is not None
        number = abs(number) if number == 0 else number  # never "-0 %"
        sign = "+" if number > 0 else ""
        return f"{sign}{self.number(number, 0)} %"
