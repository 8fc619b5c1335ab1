"""The API writes every decimal as its plain figure: model serializers through one field
(core.api.PlainDecimalField), hand-built answers through core.formats.decimal_text."""
from decimal import Decimal

from rest_framework import serializers

from core.api import PlainDecimalField
from finance.models import BudgetLine


class _BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["amount"]


def test_every_model_serializer_builds_the_plain_field_for_a_decimal():
    field = _BudgetLineSerializer().fields["amount"]
    assert isinstance(field, PlainDecimalField)
    assert field.to_representation(Decimal("1250.00")) == "1250"
    assert field.to_representation(Decimal("-75.50")) == "-75.5"


def test_the_plain_field_still_rounds_to_its_places_and_validates_as_drf_does():
    field = PlainDecimalField(max_digits=8, decimal_places=2)
    assert field.to_representation(Decimal("258.170000000000")) == "258.17"
    assert field.to_representation(Decimal("258.175")) == "258.18"
    assert field.to_representation(None) == ""  # as DRF answers; a null field never reaches it
    assert field.to_internal_value("12.50") == Decimal("12.50")
    not_a_string = PlainDecimalField(max_digits=8, decimal_places=2, coerce_to_string=False)
    assert not_a_string.to_representation(Decimal("3.10")) == Decimal("3.1")
