"""Financial years, as English councils write them: "2023/24", 1 April 2023 to 31 March 2024.

One value type used everywhere — budgets, ledger rows, savings, appraisal lines, Cabinet
paper tables — so nobody parses "2023/24" or works out which year a date falls in twice.
It is stored as the calendar year the financial year starts in (2023 for "2023/24"), which
sorts and compares as the years do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# "2023/24", "2023-24", "2023/2024", "FY2023/24", "2023 / 24"
_PATTERN = re.compile(r"^\s*(?:fy\s*)?(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})\s*$", re.IGNORECASE)
MIN_START_YEAR = 1990
MAX_START_YEAR = 2200


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The year from 1 April `start_year` to 31 March `start_year + 1`."""

    start_year: int

    def __post_init__(self):
        if not isinstance(self.start_year, int) or isinstance(self.start_year, bool):
            raise TypeError("A financial year is made from the calendar year it starts in.")
        if not MIN_START_YEAR <= self.start_year <= MAX_START_YEAR:
            raise ValueError(f"{self.start_year} is not a financial year this app can hold.")

    @classmethod
    def parse(cls, text: str | int | FinancialYear) -> FinancialYear:
        """"2023/24" (or "2023-24", "2023/2024", "FY2023/24") → FinancialYear(2023).

        Raises ValueError, with a message a person can act on, for anything else."""
        if isinstance(text, FinancialYear):
            return text
        if isinstance(text, int) and not isinstance(text, bool):
            return cls(text)
        match = _PATTERN.match(str(text or ""))
        if not match:
            raise ValueError(f"\"{text}\" is not a financial year. Write it like 2023/24.")
        start, end = int(match.group(1)), match.group(2)
        expected = start + 1
        if (len(end) == 2 and int(end) != expected % 100) or (len(end) == 4 and int(end) != expected):
            raise ValueError(f"\"{text}\" is not a financial year: the year after {start} is "
                             f"{expected}, so write {start}/{expected % 100:02d}.")
        return cls(start)

    @staticmethod
    def start_year_of(day: date) -> int:
        """The calendar year in which the financial year of `day` begins (years run April to
        March), for any date, even one outside the years a FinancialYear can hold."""
        return day.year if day.month >= 4 else day.year - 1

    @staticmethod
    def period_of(day: date) -> int:
        """The accounting period (month of the financial year) `day` falls in: April is
        period 1, March period 12, as council ledgers number them."""
        return (day.month - 4) % 12 + 1

    @classmethod
    def of(cls, day: date) -> FinancialYear:
        """The financial year `day` falls in."""
        return cls(cls.start_year_of(day))

    @classmethod
    def span(cls, first: FinancialYear, last: FinancialYear) -> list[FinancialYear]:
        """Every year from `first` to `last`, both included."""
        return [cls(y) for y in range(first.start_year, last.start_year + 1)]

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __add__(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year + years)

    def __sub__(self, other):
        if isinstance(other, FinancialYear):
            return self.start_year - other.start_year
        return FinancialYear(self.start_year - other)

    def __str__(self) -> str:
        return self.label


class FinancialYearFormField(forms.CharField):
    """A text input that takes "2023/24" and gives a FinancialYear."""

    default_error_messages = {"invalid": "Enter a financial year like 2023/24"}

    def prepare_value(self, value):
        if isinstance(value, FinancialYear):
            return value.label
        if isinstance(value, int) and not isinstance(value, bool):
            return FinancialYear(value).label
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return FinancialYear.parse(value)
        except (ValueError, TypeError) as exc:
            raise ValidationError(str(exc), code="invalid") from None


class FinancialYearField(models.PositiveSmallIntegerField):
    """A model field holding a FinancialYear (stored as its start year, so it sorts)."""

    description = "Financial year (April to March)"

    @property
    def validators(self):
        # The integer range validators would compare a FinancialYear with an int; the
        # value type checks its own range.
        return list(self._validators)

    def from_db_value(self, value, expression, connection):
        return None if value is None else FinancialYear(value)

    def to_python(self, value):
        if value is None or isinstance(value, FinancialYear):
            return value
        try:
            return FinancialYear.parse(value)
        except (ValueError, TypeError) as exc:
            raise ValidationError(str(exc), code="invalid") from None

    def get_prep_value(self, value):
        if value is None:
            return None
        return self.to_python(value).start_year

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else FinancialYear.parse(value).label

    def formfield(self, **kwargs):
        return models.Field.formfield(self, **{"form_class": FinancialYearFormField, **kwargs})


# DRF's field for a FinancialYear. A ModelSerializer maps the model field to it with
# serializer_field_mapping = {**ModelSerializer.serializer_field_mapping,
#                             FinancialYearField: FinancialYearSerializerField}
try:
    from rest_framework import serializers as _drf

    class FinancialYearSerializerField(_drf.Field):
        """ "2023/24" out; "2023/24" or 2023 in."""

        default_error_messages = {"invalid": "Enter a financial year like 2023/24."}

        def to_representation(self, value):
            return FinancialYear.parse(value).label

        def to_internal_value(self, data):
            try:
                return FinancialYear.parse(data)
            except (ValueError, TypeError) as exc:
                raise _drf.ValidationError(str(exc)) from None
except ImportError:  # pragma: no cover - DRF is a dependency of the project
    FinancialYearSerializerField = None
