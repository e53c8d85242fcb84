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


def test_compact_money_has_one_shape_in_every_summary_and_chart():
    # "$3.5K", "$861.96" and "$8K" in one report read as three precisions (decision 39)
    fmt = Formatter("USD")
    assert fmt.money_compact(861.96) == "$862"
    assert fmt.money_compact(8000) == "$8.0K"
    assert fmt.money_compact(12_960.12) == "$13.0K"
    assert fmt.money_compact(999.6) == "$1.0K"  # rounds into the next shape, not "$1,000"
    assert fmt.money_compact(999_999) == "$1.0M"
    assert fmt.money_compact(9.99) == "$9.99"  # below ten, to the cent: never "$0" for 40 cents
    assert fmt.money_compact(10.4) == "$10"
    assert fmt.money_compact(0) == fmt.money_compact(-0.001) == "$0"
    assert Formatter("EUR", "de_DE").money_compact(1_250_000) == "1,3\xa0Mio.\xa0€"
    assert Formatter("EUR", "de_DE").money_compact(8000) == "8.000\xa0€"  # no short thousands


def test_currency_and_locale_follow_the_configuration():
    assert Formatter("EUR", "de_DE").money(Decimal("1234.5")) == "1.234,50\xa0€"
    assert Formatter("USD").money_whole(Decimal("-0.4")) == "$0"
    assert Formatter("USD").percent(Decimal("0.4567")) == "45.7%"
    assert Formatter("USD").months(None) == "n/a"


def test_a_change_in_a_ratio_is_in_percentage_points():
    assert Formatter("USD").points(Decimal("0.083")) == "8.3 pts"
    assert Formatter("USD").points(Decimal("-0.0125")) == "-1.3 pts"  # half up, away from zero
    assert Formatter("EUR", "de_DE").points(Decimal("0.083")) == "8,3 pts"
