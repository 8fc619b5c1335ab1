"""What every app's API shares: one shape for a validation error, and one way of writing
a decimal.

A write may be refused by the serializer (DRF's own errors) or, further in, by the model's
`clean()` and constraints (through `full_clean()` in a service) or by a service's own rule,
both of which raise Django's ValidationError. Whichever it was, a client gets the same
400: each field's messages under its name, and errors of the whole record under
`non_field_errors` (DRF's NON_FIELD_ERRORS_KEY), never Django's `__all__`. The conversion
is made here once, in the API's exception handler, so no view catches it by hand.

A decimal is written as its plain figure, a string with no trailing zeros ("258.17", never
"258.170000000000", which a database's sum can give; "1250", not "1250.00"), by
`PlainDecimalField`, which every model serializer uses for a model's DecimalField
(`use_plain_decimals`, called once when the core app is ready); an answer built by hand
writes its decimals with `core.formats.decimal_text`, the same rule."""
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.concurrency import if_match_conflict, locked_copy, with_etag
from core.formats import decimal_text
from core.forms import money_label
from core.models import MoneyField
from core.money import MoneyError, parse_money


class PlainDecimalField(serializers.DecimalField):
    """DRF's DecimalField (the same validation and rounding to the field's places), written
    without the trailing zeros."""

    def to_representation(self, value):
        shown = super().to_representation(value)
        if shown is None or shown == "":  # DRF writes nothing as None, or "" when called with None
            return shown
        return decimal_text(Decimal(shown)) if isinstance(shown, str) else Decimal(decimal_text(shown))


class PlainMoneyField(PlainDecimalField):
    """An amount of money: written as its plain figure, like every decimal, and read from a
    string as the pages read it (core.money: "£31,000", "(1,000)", "-1,000"), so a client
    that sends what a person typed gets the page's answer, its message naming the field.
    A JSON number is taken as it is."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            label = money_label(self.label or self.field_name)
            try:
                data = parse_money(data, label=label, places=self.decimal_places)
            except MoneyError as exc:
                raise ValidationError(str(exc), code="invalid") from None
            if data is None:
                # Blank is "no amount": None where the field allows it, "required" where not.
                if self.allow_null:
                    return None
                self.fail("required")
        return super().to_internal_value(data)


class ChoiceLabelField(serializers.CharField):
    """The label of a model's choice field, as its pages show it (`get_<name>_display()`),
    read only. It calls the method itself: a `source` naming a method makes DRF inspect the
    method's signature for every row, a tenth of a long list's time."""

    def __init__(self, choice_field: str, **kwargs):
        self.display = f"get_{choice_field}_display"
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.display)()


def use_plain_decimals() -> None:
    """Make PlainDecimalField the field every ModelSerializer builds for a DecimalField,
    and PlainMoneyField the one for a MoneyField."""
    serializers.ModelSerializer.serializer_field_mapping[models.DecimalField] = PlainDecimalField
    serializers.ModelSerializer.serializer_field_mapping[MoneyField] = PlainMoneyField


def as_drf_validation_error(exc: DjangoValidationError) -> ValidationError:
    """Django's ValidationError in DRF's shape: field names as keys, the record's own
    errors under NON_FIELD_ERRORS_KEY."""
    if hasattr(exc, "error_dict"):
        detail = {(api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
                  for name, messages in exc.message_dict.items()}
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return ValidationError(detail)


def exception_handler(exc, context):
    """DRF's handler, after turning a Django ValidationError into DRF's (DRF's own handler
    leaves it to become a 500)."""
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_validation_error(exc)
    return drf_exception_handler(exc, context)


class VersionedRecordMixin:
    """What a viewset of versioned records shares (core.concurrency): a record read with
    its ETag, and a write that locks the record, then checks the client's If-Match
    against the version it now has. The viewset names its `model`."""

    def _locked_object(self):
        """The record, locked until the write commits, so no one can change it between
        the version check and the save; 404 as get_object() when it is not there."""
        locked_copy(self.model, self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        return self.get_object()

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return with_etag(Response(self.get_serializer(instance).data), instance)

    def stale_response(self, instance=None) -> Response | None:
        """The 412 for a request whose If-Match names a version the record no longer has.
        A viewset that refuses for reasons of its own asks this first, so a client working
        from an old copy hears that before anything else."""
        conflict = if_match_conflict(self.request, instance or self._locked_object())
        if conflict:
            return Response(conflict.as_data(), status=status.HTTP_412_PRECONDITION_FAILED)
        return None
