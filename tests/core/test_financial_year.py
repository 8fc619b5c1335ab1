"""The financial-year value type: parsing, dates, arithmetic, and the model and form fields."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.financial_year import FinancialYear, FinancialYearField, FinancialYearFormField


@pytest.mark.parametrize("text", ["2023/24", "2023-24", "2023/2024", "FY2023/24", " 2023 / 24 ", "2023–24"])
def test_parse_accepts_the_ways_councils_write_a_year(text):
    assert FinancialYear.parse(text) == FinancialYear(2023)


@pytest.mark.parametrize("text, says", [
    ("2023/25", "the year after 2023 is 2024"),
    ("2023", "Write it like 2023/24"),
    ("", "Write it like 2023/24"),
    ("23/24", "Write it like 2023/24"),
    ("1999/2001", "the year after 1999 is 2000"),
])
def test_parse_refuses_anything_else_with_a_message(text, says):
    with pytest.raises(ValueError, match=says):
        FinancialYear.parse(text)


def test_century_boundary():
    assert FinancialYear.parse("1999/00") == FinancialYear(1999)
    assert FinancialYear(2099).label == "2099/00"


def test_which_year_a_day_falls_in():
    assert FinancialYear.of(date(2024, 3, 31)).label == "2023/24"
    assert FinancialYear.of(date(2024, 4, 1)).label == "2024/25"
    fy = FinancialYear(2023)
    assert fy.start == date(2023, 4, 1) and fy.end == date(2024, 3, 31)
    assert date(2024, 1, 15) in fy and date(2024, 4, 1) not in fy


def test_order_and_arithmetic():
    a, b = FinancialYear(2022), FinancialYear(2024)
    assert a < b and sorted([b, a]) == [a, b]
    assert a + 2 == b and b - 2 == a and b - a == 2
    assert [str(y) for y in FinancialYear.span(a, b)] == ["2022/23", "2023/24", "2024/25"]
    assert len({FinancialYear(2022), FinancialYear.parse("2022/23")}) == 1


def test_form_field():
    field = FinancialYearFormField()
    assert field.clean("2024/25") == FinancialYear(2024)
    assert field.prepare_value(FinancialYear(2024)) == "2024/25"
    with pytest.raises(ValidationError) as caught:
        field.clean("next year")
    assert "Write it like 2023/24" in caught.value.messages[0]


def test_model_field_round_trip():
    field = FinancialYearField()
    assert field.get_prep_value(FinancialYear(2023)) == 2023
    assert field.get_prep_value("2023/24") == 2023
    assert field.from_db_value(2023, None, None) == FinancialYear(2023)
    assert field.clean("2023/24", None) == FinancialYear(2023)
    with pytest.raises(ValidationError):
        field.clean("2023/25", None)


def test_serializer_field():
    from rest_framework.exceptions import ValidationError as DRFValidationError

    from core.financial_year import FinancialYearSerializerField

    field = FinancialYearSerializerField()
    assert field.to_representation(FinancialYear(2023)) == "2023/24"
    assert field.to_internal_value("2023/24") == FinancialYear(2023)
    with pytest.raises(DRFValidationError):
        field.to_internal_value("soon")
