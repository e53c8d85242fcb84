"""The report-builder kit (exec_reporting/reports/common.py): the helpers every builder shares,
each on small hand-written inputs."""

from datetime import date
from decimal import Decimal

import pytest

from exec_reporting.charts import Series
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import (
    as_float,
    compact_part,
    floats,
    kpi_format,
    kpi_label,
    kpi_value,
    month_end,
    month_labels,
    month_series,
    month_start,
    months_back,
    plural,
    previous_month,
)

FMT = Formatter("USD", "en_US")


def months(first: date, count: int) -> list[date]:
    return [months_back(first, -i) for i in range(count)]


def test_month_arithmetic_crosses_years():
    assert month_start("2026-10") == date(2026, 10, 1)
    assert month_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert months_back(date(2026, 3, 1), 3) == date(2025, 12, 1)
    assert months_back(date(2026, 3, 1), 15) == date(2024, 12, 1)
    assert months_back(date(2025, 11, 1), -2) == date(2026, 1, 1)


def test_month_labels_name_the_year_as_asked():
    year = months(date(2025, 11, 1), 12)  # Nov 2025 .. Oct 2026
    assert month_labels(year)[:3] == ["Nov 25", "Dec 25", "Jan 26"]
    assert month_labels(year, year="when it changes")[:4] == ["Nov 25", "Dec", "Jan 26", "Feb"]
    # twelve months or fewer: every month name is there once, so the year is left out
    assert month_labels(year, year="past a year")[:3] == ["Nov", "Dec", "Jan"]
    longer = months(date(2024, 11, 1), 24)
    assert month_labels(longer, year="past a year")[0] == "Nov 24"
    assert month_labels(longer, year="past a year")[12] == "Nov 25"
    assert month_labels([]) == []


def test_figures_for_charts_are_floats_and_gaps_stay_gaps():
    assert as_float(Decimal("1234.50")) == 1234.5
    assert as_float(None) is None
    assert floats([{"x": Decimal("1.25")}, {"x": None}, {"x": 3}], "x") == [1.25, None, 3.0]


def test_month_series_pivots_rows_into_one_line_per_name():
    rows = [
        {"month": date(2026, 9, 1), "name": "Shop", "cash": Decimal("10.00")},
        {"month": date(2026, 8, 1), "name": "Shop", "cash": Decimal("5.00")},
        {"month": date(2026, 9, 1), "name": "Boat", "cash": Decimal("-2.50")},
        {"month": date(2026, 10, 1), "name": "Shop", "cash": None},
    ]
    found_months, series = month_series(rows, "cash")
    assert found_months == [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
    # names in order; a month a name has no row for is a gap, like a month without a figure
    assert series == [
        Series("Boat", [None, -2.5, None]),
        Series("Shop", [5.0, 10.0, None]),
    ]


def test_month_series_reads_other_columns_by_name():
    rows = [
        {"projected_month": date(2026, 12, 1), "scenario": "worst", "cash": 1},
        {"projected_month": date(2026, 11, 1), "scenario": "base", "cash": 2},
        {"projected_month": date(2026, 12, 1), "scenario": "base", "cash": 3},
    ]
    found_months, series = month_series(rows, "cash", by="scenario", month="projected_month")
    assert found_months == [date(2026, 11, 1), date(2026, 12, 1)]
    assert [(s.name, list(s.values)) for s in series] == [
        ("base", [2.0, 3.0]),
        ("worst", [None, 1.0]),
    ]


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 bookings"), (1, "1 booking"), (2, "2 bookings")],
)
def test_plural(count, expected):
    assert plural(count, "booking") == expected


def test_plural_with_its_own_plural():
    assert plural(3, "entity", "entities") == "3 entities"
    assert plural(1, "entity", "entities") == "1 entity"


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        ("4835.32", "5135.00", "$4.8K"),
        ("5135.00", "5135.00", "$5.1K"),  # "$5.1K of $5.1K": all of it
        ("5100.00", "5135.00", "all but $35"),  # reads as the whole, falls short of it
        ("5140.00", "5149.60", "all but $9.60"),
        ("850.00", "1850.00", "$850"),
        ("0", "1850.00", "$0"),
    ],
)
def test_a_part_of_a_whole_in_a_verdict_is_compact_and_never_reads_as_all(part, whole, expected):
    assert compact_part(FMT, Decimal(part), Decimal(whole)) == expected


def test_kpi_figures_are_written_in_the_kpi_unit():
    # the glossary says revenue is money, gross margin a ratio (gross_margin_pct), runway months
    assert (kpi_format("revenue"), kpi_label("revenue")) == ("money", "Revenue")
    assert kpi_value(FMT, "revenue", Decimal("1234.5")) == "$1,234.50"
    assert kpi_value(FMT, "gross_margin_pct", Decimal("0.4567")) == "45.7%"
    # a gap in a ratio is in percentage points, a gap in money stays money
    assert kpi_value(FMT, "gross_margin_pct", Decimal("0.083"), gap=True) == "8.3 pts"
    assert kpi_value(FMT, "revenue", Decimal("10"), gap=True) == "$10.00"
    assert kpi_value(FMT, "runway_months", Decimal("3.14")) == "3.1 mo"
    assert kpi_value(FMT, "gross_margin_pct", None, gap=True) == "n/a"


def test_a_domain_report_is_about_each_entity_of_its_kind(portfolio):
    from exec_reporting.config import load_config
    from exec_reporting.reports import spec

    ledger = "txn_id,date,account_code,amount,description,counterparty\n"
    config = load_config(
        portfolio(
            {"a/ledger.csv": ledger, "b/ledger.csv": ledger, "c/ledger.csv": ledger},
            entities=[
                {"id": "a", "name": "A", "kind": "rental"},
                {"id": "b", "name": "B", "kind": "charter"},
                {"id": "c", "name": "C", "kind": "rental"},
            ],
        )
    )
    assert spec("rental").entities(config) == ["a", "c"]
    assert spec("agency").entities(config) == []
    assert spec("ceo").entities(config) == [None]
    assert [spec("rental").name(e) for e in spec("rental").entities(config)] == [
        "rental-a",
        "rental-c",
    ]
    assert spec("ceo").name(None) == "ceo"


def test_a_column_is_footnoted_by_the_glossary_entry_of_its_key():
    from exec_reporting.reports.model import Column

    # the glossary has `revenue`: the column names its entry without saying so
    assert Column("revenue", "Revenue", "money").glossary_key == "revenue"
    # no entry of that name: no footnote
    assert Column("name", "Entity").glossary_key is None
    # another entry, named
    assert (
        Column("base_cash", "Base: cash", "money", "projected_cash").glossary_key
        == "projected_cash"
    )
    # none, though the glossary has one of the key's name
    assert Column("month", "Month", "month", glossary=None).glossary_key is None
