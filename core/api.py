"""What every app's API shares: one shape for a validation error.

A write may be refused by the serializer (DRF's own errors) or, further in, by the model's
`clean()` and constraints (through `full_clean()` in a service) or by a service's own rule,
both of which raise Django's ValidationError. Whichever it was, a client gets the same
400: each field's messages under its name, and errors of the whole record under
`non_field_errors` (DRF's NON_FIELD_ERRORS_KEY), never Django's `__all__`. The conversion
is made here once, in the API's exception handler, so no view catches it by hand."""
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


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
