"""How figures are written: one rounding rule (half up) everywhere, the configured currency."""

from decimal import Decimal

from exec_reporting.formatting import Formatter, rounded


def test_rounding_is_half_up_in_full_and_compact_forms():
    fmt = Formatter("USD")
    assert rounded(Decimal("2.345"), 2) == Decimal("2.35")
    assert fmt.money(Decimal("-2.345")) == "-$2.35"
    assert fmt.money_compact(3250) == "$3.3K"  # babel alone would say $3.2K (half even)
    assert fmt.money_compact(3249.99) == "$3.2K"
    assert fmt.money_compact(1_250_000) == "$1.3M"
    assert fmt.money_compact(-3250) == "-$3.3K"
    assert fmt.money_compact(861.96) == "$861.96"


def test_currency_and_locale_follow_the_configuration():
    assert Formatter("EUR", "de_DE").money(Decimal("1234.5")) == "1.234,50\xa0€"
    assert Formatter("USD").money_whole(Decimal("-0.4")) == "$0"
    assert Formatter("USD").percent(Decimal("0.4567")) == "45.7%"
    assert Formatter("USD").months(None) == "n/a"


def test_a_change_in_a_ratio_is_in_percentage_points():
    assert Formatter("USD").points(Decimal("0.083")) == "8.3 pts"
    assert Formatter("USD").points(Decimal("-0.0125")) == "-1.3 pts"  # half up, away from zero
    assert Formatter("EUR", "de_DE").points(Decimal("0.083")) == "8,3 pts"
